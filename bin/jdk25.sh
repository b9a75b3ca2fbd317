# Sourced by ./duel and .ci/run: point JAVA_HOME at a JDK 25 or newer.
# Order: $JAVA_HOME if it is >= 25, then `java` on PATH, then the usual install folders.
duel_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
duel_find_jdk25() {
  local c v
  for c in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
           /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(duel_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then export JAVA_HOME="$c"; return 0; fi
  done
  echo "duel: no JDK 25 or newer found (JAVA_HOME=${JAVA_HOME:-unset}). Install one (e.g. Temurin 25) and set JAVA_HOME." >&2
  return 1
}

# The JVM prints "WARNING: Using incubator modules: jdk.incubator.vector" on every start that adds the
# Vector API (an incubator module; no JVM flag turns that line off). duel_exec_quiet COMMAND... execs
# COMMAND (its exit code, its PID: signals reach the JVM itself) with exactly that line dropped from
# its stderr; every other line passes through at once (line-buffered). The filter ignores SIGINT and
# SIGTERM, so the line that a stopped run prints on its way out still gets through after a Ctrl-C.
duel_incubator_warning='WARNING: Using incubator modules: jdk.incubator.vector'
duel_exec_quiet() {
  exec "$@" 2> >(trap '' INT TERM; exec grep -v -x -F --line-buffered -e "$duel_incubator_warning" >&2)
}
