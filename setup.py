"""Builds ganzoo, with its compiled operators in ``ganzoo._C``.

The CPU op is always built. The CUDA op is added when the installed torch has CUDA and nvcc is
found, or when FORCE_CUDA=1. A failed extension build does not fail the install (ganzoo then
runs on its pure-PyTorch reference and says so once), unless GANZOO_REQUIRE_EXT=1.
"""

from __future__ import annotations

import glob
import os
import sys

from setuptools import setup

ROOT = os.path.dirname(os.path.abspath(__file__))
CSRC = os.path.join("csrc")


def _sources(pattern: str) -> list[str]:
    return sorted(glob.glob(os.path.join(CSRC, pattern), recursive=True))


def _cuda_decision(torch, cuda_home) -> tuple[bool, str]:
    if os.environ.get("FORCE_CUDA", "") == "1":
        if cuda_home is None:
            raise SystemExit(
                "FORCE_CUDA=1, but torch found no CUDA toolkit (a torch built with CUDA and nvcc "
                "are both needed); scripts/check_cuda_compile.sh compile-checks the sources alone"
            )
        return True, "FORCE_CUDA=1"
    if torch.version.cuda is None:
        return False, "the installed torch has no CUDA"
    if cuda_home is None:
        return False, "nvcc was not found (set CUDA_HOME)"
    return True, f"torch CUDA {torch.version.cuda}, nvcc at {cuda_home}"


def _extension():
    import torch
    from torch.utils import cpp_extension

    with_cuda, why = _cuda_decision(torch, cpp_extension.CUDA_HOME)
    print(f"ganzoo: building the CPU op; CUDA op {'on' if with_cuda else 'off'}: {why}")
    sources = _sources("*.cpp") + _sources("cpu/*.cpp")
    cxx, link = ["-O3"], []
    if sys.platform != "win32":
        cxx.append("-fno-trapping-math")  # lets the compiler vectorise the selects in the math
    if sys.platform.startswith("linux") and torch.backends.openmp.is_available():
        # at::parallel_for is an inline `omp parallel` region: without -fopenmp it runs serially.
        # The link resolves to the libgomp torch has already loaded (same soname).
        cxx.append("-fopenmp")
        link.append("-fopenmp")
    args = {"cxx": cxx}
    macros = []
    include_dirs = [os.path.join(ROOT, CSRC), os.path.join(ROOT, CSRC, "include")]
    if with_cuda:
        sources += _sources("cuda/*.cpp") + _sources("cuda/*.cu")
        args["nvcc"] = ["-O3", "-lineinfo"]
        macros += [("GANZOO_WITH_CUDA", None), ("GANZOO_CUDA_VERSION", f'"{torch.version.cuda or "?"}"')]
        return cpp_extension.CUDAExtension(
            "ganzoo._C", sources, include_dirs=include_dirs, extra_compile_args=args,
            extra_link_args=link, define_macros=macros,
        )
    return cpp_extension.CppExtension(
        "ganzoo._C", sources, include_dirs=include_dirs, extra_compile_args=args,
        extra_link_args=link, define_macros=macros,
    )


def _build_ext_class():
    from torch.utils.cpp_extension import BuildExtension

    class TolerantBuildExtension(BuildExtension):
        """A failed compile warns and leaves ganzoo on its reference, unless GANZOO_REQUIRE_EXT=1."""

        failed: set[str] = set()

        def build_extension(self, ext):
            try:
                super().build_extension(ext)
            except Exception as err:  # noqa: BLE001 - any compiler failure
                if os.environ.get("GANZOO_REQUIRE_EXT", "") == "1":
                    raise
                self.failed.add(ext.name)
                print(
                    f"WARNING: ganzoo: building {ext.name} failed ({err}); ganzoo will run on "
                    "its pure-PyTorch reference. Set GANZOO_REQUIRE_EXT=1 to make this an error.",
                    file=sys.stderr,
                )

        def copy_extensions_to_source(self):
            built = [ext for ext in self.extensions if ext.name not in self.failed]
            self.extensions, everything = built, self.extensions
            try:
                super().copy_extensions_to_source()
            finally:
                self.extensions = everything

    return TolerantBuildExtension.with_options(use_ninja=True)


setup(ext_modules=[_extension()], cmdclass={"build_ext": _build_ext_class()})
