// The ganzoo operator library: schemas, the CPU implementations, and the Python module that
// loads them (`import ganzoo._C`). The CUDA implementations register from cuda/bce_cuda_binding.cpp,
// autograd from autograd.cpp.
#include <Python.h>
#include <torch/library.h>

#include "bce_prepare.h"
#include "cpu/bce_cpu.h"

namespace ganzoo {
namespace {

void run_cpu(const Problem& problem, const at::Tensor& /*logits*/) { cpu::run(problem); }

}  // namespace

TORCH_LIBRARY(ganzoo, m) {
  m.def(
      "bce_with_logits(Tensor logits, Tensor? target, float target_value, Tensor? weight, "
      "Tensor? pos_weight, int reduction, bool with_grad) -> (Tensor, Tensor)");
  m.def(
      "gan_pair_bce(Tensor real_logits, Tensor fake_logits, float real_target, "
      "float fake_target, bool with_grad) -> (Tensor, Tensor, Tensor)");
  // d loss / d logits for the upstream gradient grad_loss (called by the autograd in
  // autograd.cpp): saved_grad * grad_loss when the forward stored the gradient, else recomputed.
  m.def(
      "bce_with_logits_backward(Tensor grad_loss, Tensor logits, Tensor? target, "
      "float target_value, Tensor? weight, Tensor? pos_weight, int reduction, "
      "Tensor? saved_grad) -> Tensor");
}

TORCH_LIBRARY_IMPL(ganzoo, CPU, m) {
  m.impl("bce_with_logits", &BceOps<run_cpu>::bce_with_logits);
  m.impl("gan_pair_bce", &BceOps<run_cpu>::gan_pair_bce);
  m.impl("bce_with_logits_backward", &BceOps<run_cpu>::bce_with_logits_backward);
}

}  // namespace ganzoo

#ifndef GANZOO_CUDA_VERSION
#define GANZOO_CUDA_VERSION ""
#endif

// A Python module with no functions: importing it runs the registrations above. Its attributes
// say how it was built, for `ganzoo doctor`.
extern "C" PyObject* PyInit__C(void) {
  static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "_C", "ganzoo's compiled operators", -1,
                                   nullptr};
  PyObject* module = PyModule_Create(&def);
  if (module == nullptr) return nullptr;
#ifdef GANZOO_WITH_CUDA
  PyModule_AddIntConstant(module, "with_cuda", 1);
#else
  PyModule_AddIntConstant(module, "with_cuda", 0);
#endif
  PyModule_AddStringConstant(module, "cuda_version", GANZOO_CUDA_VERSION);
#if defined(__clang__)
  PyModule_AddStringConstant(module, "compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
  PyModule_AddStringConstant(module, "compiler", "gcc " __VERSION__);
#elif defined(_MSC_VER)
  PyModule_AddIntConstant(module, "msc_version", _MSC_VER);
#endif
  return module;
}
