package dev.duel.engine.cuda;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A {@link CudaLibraries.Env} with chosen settings, sonames the "dynamic linker" resolves, and site-packages. */
final class FakeEnv implements CudaLibraries.Env {
  final Map<String, String> properties = new HashMap<>();
  final Map<String, String> environment = new HashMap<>();
  Set<String> loader = Set.of();
  List<Path> sitePackages = List.of();

  FakeEnv property(String k, String v) {
    properties.put(k, v);
    return this;
  }

  FakeEnv env(String k, String v) {
    environment.put(k, v);
    return this;
  }

  @Override
  public String property(String name) {
    return properties.get(name);
  }

  @Override
  public String getenv(String name) {
    return environment.get(name);
  }

  /** None: the machine's own /usr/local/cuda (a GPU machine has one) must not leak into the search. */
  @Override
  public String defaultCudaHome() {
    return null;
  }

  @Override
  public boolean loadable(String soname) {
    return loader.contains(soname);
  }

  @Override
  public List<Path> sitePackages() {
    return sitePackages;
  }
}
