//===- dataset.h - Model inputs and labels from .npz files ------*- C++ -*-===//

#ifndef MODELC_RUNTIME_DATASET_H
#define MODELC_RUNTIME_DATASET_H

#include "modelc/runtime/array.h"
#include "modelc/runtime/model_info.h"

#include <string>
#include <vector>

namespace modelc::rt {

/// One array per model input (and label), in the model's order, validated
/// against the model's dtypes and shapes, all with the same batch size.
struct Dataset {
  std::string Path;
  int64_t NumExamples = 0;
  std::vector<Array> Inputs;
  std::vector<Array> Labels; // Empty unless loaded with labels.
};

/// Loads and validates an .npz (or, by its suffix, a .csv) file; labels of a
/// softmax cross-entropy loss are checked against the number of classes.
/// Throws Error naming the file.
Dataset loadDataset(const ModelInfo &Info, const std::string &Path,
                    bool WithLabels);

/// A CSV file with a header row naming the columns (csv.cpp); values are
/// parsed in the model's dtypes, errors name the line and column.
Dataset loadCsvDataset(const ModelInfo &Info, const std::string &Path,
                       bool WithLabels);

/// Checks `Batch` examples given as buffers in the model's order: token ids
/// against their input's range and softmax cross-entropy labels against the
/// number of classes (Labels may be empty). Throws Error starting with
/// `Where`.
void checkValueRanges(const ModelInfo &Info,
                      const std::vector<const void *> &Inputs,
                      const std::vector<const void *> &Labels, int64_t Batch,
                      const std::string &Where);

/// Pointer to example `First` of a batch-major array.
inline const void *exampleRow(const Array &A, int64_t First) {
  return A.data() + static_cast<size_t>(First) * A.rowBytes();
}

/// Copies the examples Order[0..Count) of `Src` to the front of `Dst`.
void gatherExamples(const Array &Src, const int64_t *Order, int64_t Count,
                    Array &Dst);

} // namespace modelc::rt

#endif // MODELC_RUNTIME_DATASET_H
