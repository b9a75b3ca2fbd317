package dev.duel.engine.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the CUDA libraries Duel loads (cuBLAS, cuDNN) and says where it looked. The search order, first
 * hit wins:
 * <ol>
 *   <li>an explicit file or folder: {@code -Dduel.cublas.path} / {@code DUEL_CUBLAS_PATH},
 *       {@code -Dduel.cudnn.path} / {@code DUEL_CUDNN_PATH};</li>
 *   <li>the folders of {@code -Dduel.cuda.libdirs} / {@code DUEL_CUDA_LIBDIRS} (separated by ':' or ',');</li>
 *   <li>the dynamic linker, by soname (LD_LIBRARY_PATH, ld.so.cache, a library already loaded);</li>
 *   <li>{@code $CUDA_HOME/lib64}, {@code $CUDA_HOME/targets/x86_64-linux/lib}, and the same under
 *       {@code /usr/local/cuda};</li>
 *   <li>NVIDIA's pip wheels of the {@code python3} on the PATH: every {@code site-packages/nvidia/X/lib}
 *       ({@code nvidia/cublas/lib} for CUDA 12 wheels, {@code nvidia/cu13/lib} for CUDA 13 ones).</li>
 * </ol>
 * Within a step the older soname comes first ({@code libcublas.so.12} before {@code .13}): JCublas binds
 * .12, so the design's route is preferred when both are there. Searching never throws and never loads
 * anything but the dynamic linker's probe; {@link Search} keeps what was looked through, for
 * {@code duel info} and for the message when a forced library is missing.
 */
final class CudaLibraries {
  static final String CUBLAS_PATH = "duel.cublas.path", CUBLAS_PATH_ENV = "DUEL_CUBLAS_PATH";
  static final String CUDNN_PATH = "duel.cudnn.path", CUDNN_PATH_ENV = "DUEL_CUDNN_PATH";
  static final String LIBDIRS = "duel.cuda.libdirs", LIBDIRS_ENV = "DUEL_CUDA_LIBDIRS";
  static final String NCCL_PATH = "duel.nccl.path", NCCL_PATH_ENV = "DUEL_NCCL_PATH";

  static final List<String> CUBLAS = List.of("libcublas.so.12", "libcublas.so.13");
  static final List<String> CUDNN = List.of("libcudnn.so.9");
  static final List<String> NCCL = List.of("libnccl.so.2");

  static final String CUBLAS_FIX = "install cuBLAS: `pip install nvidia-cublas` (CUDA 13; or nvidia-cublas-cu12) or a"
      + " CUDA 12/13 toolkit, or point DUEL_CUBLAS_PATH (-D" + CUBLAS_PATH + ") at libcublas.so.12/.13, or add its"
      + " folder to LD_LIBRARY_PATH or DUEL_CUDA_LIBDIRS";
  static final String CUDNN_FIX = "install cuDNN 9: `pip install nvidia-cudnn-cu13` (or nvidia-cudnn-cu12), or point"
      + " DUEL_CUDNN_PATH (-D" + CUDNN_PATH + ") at libcudnn.so.9, or add its folder to LD_LIBRARY_PATH or"
      + " DUEL_CUDA_LIBDIRS";

  static final String NCCL_FIX = "install NCCL 2: `pip install nvidia-nccl-cu13` (or nvidia-nccl-cu12), or point"
      + " DUEL_NCCL_PATH (-D" + NCCL_PATH + ") at libnccl.so.2, or add its folder to LD_LIBRARY_PATH or"
      + " DUEL_CUDA_LIBDIRS";

  private CudaLibraries() {}

  /**
   * A library to load. {@code file == null}: by soname through the dynamic linker (which found it);
   * otherwise that file, whose folder is usually not on the loader path.
   */
  record Found(String soname, Path file, String where) {
    boolean byLoader() {
      return file == null;
    }

    /** The CUDA major in the soname (12 for libcublas.so.12), or 0 when the name does not say. */
    int major() {
      String n = file != null ? file.getFileName().toString() : soname;
      int i = n.indexOf(".so.");
      if (i < 0) return 0;
      String rest = n.substring(i + 4);
      int dot = rest.indexOf('.');
      try {
        return Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot));
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    String describe() {
      return file == null ? soname + " (dynamic linker)" : file + " (" + where + ")";
    }
  }

  /** One search: what was found (or null), every place looked, and a problem with an explicit setting. */
  record Search(String library, Found found, List<String> looked, String problem, String fix) {
    /** Why nothing is usable, with what was searched and the fix (one line). */
    String reason() {
      if (problem != null) return problem;
      return library + " not found (looked in: " + String.join("; ", looked) + "); " + fix;
    }

    String describe() {
      return found != null ? library + ": " + found.describe() : library + ": " + reason();
    }
  }

  /** Where the search reads settings, the dynamic linker and python from (tests substitute it). */
  interface Env {
    String property(String name);

    String getenv(String name);

    /** True when the dynamic linker resolves {@code soname} by name. */
    boolean loadable(String soname);

    /** python3's site-packages folders (empty when there is no python3). */
    List<Path> sitePackages();

    /** The toolkit's usual folder, searched after $CUDA_HOME and $CUDA_PATH. */
    default String defaultCudaHome() {
      return "/usr/local/cuda";
    }
  }

  /** The JVM's system properties and environment, the real dynamic linker and the python3 on the PATH. */
  static Env system() {
    return SystemEnv.INSTANCE;
  }

  /** cuBLAS (libcublas.so.12 or .13). {@code settingsOnly}: only steps 1-2 (cuda-emu: the stand-ins are the rest). */
  static Search cublas(Env env, boolean settingsOnly) {
    return search(env, "cuBLAS", CUBLAS, CUBLAS_PATH, CUBLAS_PATH_ENV, settingsOnly, CUBLAS_FIX);
  }

  static Search cudnn(Env env, boolean settingsOnly) {
    return search(env, "cuDNN", CUDNN, CUDNN_PATH, CUDNN_PATH_ENV, settingsOnly, CUDNN_FIX);
  }

  /** NCCL 2 (libnccl.so.2), for data-parallel training (the wheels put it in site-packages/nvidia/nccl/lib). */
  static Search nccl(Env env, boolean settingsOnly) {
    return search(env, "NCCL", NCCL, NCCL_PATH, NCCL_PATH_ENV, settingsOnly, NCCL_FIX);
  }

  /** True when an explicit cuBLAS file or folder list is set (cuda-emu then leaves its stand-in .12 aside). */
  static boolean cublasConfigured(Env env) {
    return setting(env, CUBLAS_PATH, CUBLAS_PATH_ENV) != null || setting(env, LIBDIRS, LIBDIRS_ENV) != null;
  }

  static Search search(Env env, String library, List<String> sonames, String pathProperty, String pathEnv,
                       boolean settingsOnly, String fix) {
    List<String> looked = new ArrayList<>();
    String explicit = setting(env, pathProperty, pathEnv);
    if (explicit != null) {
      String setBy = "-D" + pathProperty + " / " + pathEnv + " = " + explicit;
      Path p = Path.of(explicit);
      if (Files.isRegularFile(p)) {
        String name = p.getFileName().toString();
        String soname = sonames.stream().filter(name::startsWith).findFirst().orElse(name);
        return new Search(library, new Found(soname, p.toAbsolutePath().normalize(), "set by " + setBy), List.of(setBy), null, fix);
      }
      if (Files.isDirectory(p)) {
        Found f = inFolder(p, sonames, "set by " + setBy);
        if (f != null) return new Search(library, f, List.of(setBy), null, fix);
      }
      return new Search(library, null, List.of(setBy), library + ": " + setBy + " is neither a file nor a folder holding "
          + String.join(" or ", sonames) + "; correct the setting or unset it (then " + fix + ")", fix);
    }
    for (Path dir : libdirs(env)) {
      looked.add(dir + " (" + LIBDIRS_ENV + ")");
      Found f = inFolder(dir, sonames, "from -D" + LIBDIRS + " / " + LIBDIRS_ENV);
      if (f != null) return new Search(library, f, looked, null, fix);
    }
    if (settingsOnly) return new Search(library, null, looked, null, fix);
    for (String soname : sonames) {
      looked.add("the dynamic linker (" + soname + ": LD_LIBRARY_PATH, ld.so.cache)");
      if (env.loadable(soname)) return new Search(library, new Found(soname, null, "dynamic linker"), looked, null, fix);
    }
    for (Path dir : cudaHomeDirs(env)) {
      looked.add(dir.toString());
      Found f = inFolder(dir, sonames, "CUDA toolkit");
      if (f != null) return new Search(library, f, looked, null, fix);
    }
    List<Path> wheels = wheelDirs(env);
    if (wheels.isEmpty()) looked.add("NVIDIA pip wheels (python3 on the PATH has no site-packages/nvidia/*/lib,"
        + " or there is no python3)");
    for (Path dir : wheels) looked.add(dir.toString());
    Found f = inFolders(wheels, sonames, "NVIDIA pip wheel");
    return new Search(library, f, looked, null, fix);
  }

  /**
   * A companion library (e.g. libcublasLt.so.13) for {@code next}: the file beside it, else in the configured,
   * toolkit and wheel folders; null when the dynamic linker has it already or it is nowhere.
   */
  static Path companion(Env env, String soname, Path besideFolder) {
    if (besideFolder != null && Files.isRegularFile(besideFolder.resolve(soname))) return besideFolder.resolve(soname);
    if (env.loadable(soname)) return null;
    List<Path> dirs = new ArrayList<>(libdirs(env));
    dirs.addAll(cudaHomeDirs(env));
    dirs.addAll(wheelDirs(env));
    Found f = inFolders(dirs, List.of(soname), "");
    return f == null ? null : f.file();
  }

  private static Found inFolder(Path dir, List<String> sonames, String where) {
    for (String s : sonames) {
      Path f = dir.resolve(s);
      if (Files.isRegularFile(f)) return new Found(s, f.toAbsolutePath().normalize(), where);
    }
    return null;
  }

  /** The first soname in any folder (older sonames first, then folder order). */
  private static Found inFolders(List<Path> dirs, List<String> sonames, String where) {
    for (String s : sonames) {
      for (Path d : dirs) {
        Found f = inFolder(d, List.of(s), where);
        if (f != null) return f;
      }
    }
    return null;
  }

  static List<Path> libdirs(Env env) {
    String v = setting(env, LIBDIRS, LIBDIRS_ENV);
    if (v == null) return List.of();
    return Stream.of(v.split("[:,]")).map(String::strip).filter(s -> !s.isEmpty()).map(Path::of).toList();
  }

  static List<Path> cudaHomeDirs(Env env) {
    Set<Path> dirs = new LinkedHashSet<>();
    for (String home : new String[] {env.getenv("CUDA_HOME"), env.getenv("CUDA_PATH"), env.defaultCudaHome()}) {
      if (home == null || home.isBlank()) continue;
      dirs.add(Path.of(home.strip(), "lib64"));
      dirs.add(Path.of(home.strip(), "targets", "x86_64-linux", "lib"));
    }
    return List.copyOf(dirs);
  }

  /** Every {@code nvidia/X/lib} under python3's site-packages ({@code cu13/lib} and {@code cu12/lib} first). */
  static List<Path> wheelDirs(Env env) {
    List<Path> out = new ArrayList<>();
    for (Path sp : env.sitePackages()) {
      Path nvidia = sp.resolve("nvidia");
      if (!Files.isDirectory(nvidia)) continue;
      try (Stream<Path> children = Files.list(nvidia)) {
        children.map(c -> c.resolve("lib")).filter(Files::isDirectory)
            .sorted((a, b) -> rank(a) != rank(b) ? rank(a) - rank(b) : a.compareTo(b)).forEach(out::add);
      } catch (java.io.IOException | RuntimeException e) {
        // an unreadable site-packages is skipped: the search reports the folders it did see
      }
    }
    return out;
  }

  private static int rank(Path lib) {
    return lib.getParent().getFileName().toString().startsWith("cu1") ? 0 : 1;
  }

  static String setting(Env env, String property, String envName) {
    String v = env.property(property);
    if (v == null || v.isBlank()) v = env.getenv(envName);
    return v == null || v.isBlank() ? null : v.strip();
  }
}
