# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "modelc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".json", ".nn"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.modelc_obj_root, "tests")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.modelc_tools_dir, append_path=True)

config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%examples", os.path.join(config.modelc_src_root, "examples")))
config.substitutions.append(("%scripts", os.path.join(config.modelc_src_root, "scripts")))
config.substitutions.append(("%golden", os.path.join(config.shared_dir, "golden")))
config.substitutions.append(("%builddocs", os.path.join(config.modelc_obj_root, "docs")))
config.substitutions.append(("%srcdocs", os.path.join(config.modelc_src_root, "docs", "generated")))
config.substitutions.append(("%testlib", os.path.join(config.test_source_root, "lib")))
config.substitutions.append(("%fake_model", os.path.join(config.modelc_tools_dir, "modelc-fake-model")))

# A sanitized build (scripts/build.sh --sanitize): its runtime, linked into
# every executable and library, is instrumented too. Debian's libMLIR is
# not: its container annotations would be false positives for ASan.
sanitize_flags = ""
if config.modelc_sanitize:
    config.available_features.add("asan")
    sanitize_flags = " -fsanitize=address,undefined"
    config.environment["ASAN_OPTIONS"] = "allow_user_poisoning=0"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1"
if config.modelc_fuzz:
    config.available_features.add("fuzz")

# Data-parallel training (SPEC 8): modelc --mpi needs the runtime's MPI part
# (built when Open MPI's headers were found) and mpirun. CI runs as root,
# which Open MPI refuses unless told; -np 3 needs --oversubscribe on 2 cores.
import shutil
if (os.path.exists(os.path.join(config.modelc_obj_root, "lib", "libmodelc_runtime_mpi.a"))
        and shutil.which("mpirun")):
    config.available_features.add("mpi")
config.environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
config.environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
config.substitutions.append(("%mpirun", "mpirun --oversubscribe"))

# C programs using a compiled library (--emit=lib): strict C99, and the link
# flags of LLVM's OpenMP runtime for models built with threads.
config.substitutions.append(("%cc", "clang-22 -std=c99 -Wall -Wextra -Werror" + sanitize_flags))
config.substitutions.append(("%omp", "-L/usr/lib/llvm-22/lib -lomp -Wl,-rpath,/usr/lib/llvm-22/lib"))

# Inputs/ folders hold model files used by tests, not tests themselves.
config.excludes.append("Inputs")
