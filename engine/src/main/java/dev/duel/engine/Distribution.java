package dev.duel.engine;

/** What {@link Backend#random} draws. */
public enum Distribution { UNIFORM, NORMAL, BERNOULLI }
