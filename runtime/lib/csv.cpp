//===- csv.cpp - Model inputs and labels from CSV files -------------------===//
//
// A header row names the columns; a column belongs to the model input or
// label it names exactly, or whose name it extends by an index ("x[3]",
// "x_3", "x.3", "x:3", "x3"). An input's columns fill its example in the
// order they appear. Columns of no input or label are ignored, as arrays
// the model does not use are in an .npz.
//
//===----------------------------------------------------------------------===//

#include "modelc/runtime/dataset.h"
#include "modelc/runtime/error.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace modelc::rt {

namespace {

std::string trim(const std::string &S) {
  size_t B = S.find_first_not_of(" \t\r"), E = S.find_last_not_of(" \t\r");
  if (B == std::string::npos)
    return "";
  std::string T = S.substr(B, E - B + 1);
  if (T.size() >= 2 && T.front() == '"' && T.back() == '"')
    T = T.substr(1, T.size() - 2);
  return T;
}

std::vector<std::string> splitRow(const std::string &Line) {
  std::vector<std::string> Fields;
  std::stringstream SS(Line);
  std::string F;
  while (std::getline(SS, F, ','))
    Fields.push_back(trim(F));
  if (!Line.empty() && Line.back() == ',')
    Fields.push_back("");
  return Fields;
}

/// The tensor a column header names: exactly, or the longest name it extends
/// by an index; -1 if none.
int columnOwner(const std::string &Header,
                const std::vector<const TensorSpec *> &Specs) {
  int Best = -1;
  size_t BestLen = 0;
  for (size_t I = 0; I < Specs.size(); ++I) {
    const std::string &N = Specs[I]->Name;
    if (Header == N)
      return static_cast<int>(I);
    char Next = Header.size() > N.size() ? Header[N.size()] : '\0';
    if (Next != '\0' && Header.compare(0, N.size(), N) == 0 &&
        std::strchr("[._:0123456789", Next) && N.size() > BestLen) {
      Best = static_cast<int>(I);
      BestLen = N.size();
    }
  }
  return Best;
}

/// The index a column header gives its input ("x[3]", "x_3", "x.3", "x:3",
/// "x3" for input "x"), or -1 for the bare name.
int64_t columnIndex(const std::string &Header, const std::string &Name) {
  std::string Rest = Header.substr(Name.size());
  if (Rest.empty())
    return -1;
  if (std::strchr("[._:", Rest[0]))
    Rest = Rest.substr(1);
  if (!Rest.empty() && Rest.back() == ']' && Header[Name.size()] == '[')
    Rest.pop_back();
  if (Rest.empty() || Rest.size() > 12 ||
      Rest.find_first_not_of("0123456789") != std::string::npos)
    return -2; // Not an index.
  return std::stoll(Rest);
}

} // namespace

Dataset loadCsvDataset(const ModelInfo &Info, const std::string &Path,
                       bool WithLabels) {
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    throw Error("cannot open " + Path + ": " + std::strerror(errno));
  std::vector<const TensorSpec *> Specs;
  std::vector<std::string> Roles;
  for (const TensorSpec &S : Info.Inputs) {
    Specs.push_back(&S);
    Roles.push_back("input");
  }
  if (WithLabels)
    for (const TensorSpec &S : Info.Labels) {
      Specs.push_back(&S);
      Roles.push_back("label");
    }

  std::string Line;
  int64_t LineNo = 0;
  std::vector<std::string> Header;
  while (Header.empty() && std::getline(In, Line)) {
    ++LineNo;
    if (LineNo == 1 && Line.rfind("\xEF\xBB\xBF", 0) == 0)
      Line.erase(0, 3); // Excel's byte-order mark.
    if (!trim(Line).empty())
      Header = splitRow(Line);
  }
  if (Header.empty())
    throw Error(Path + ": empty CSV file (expected a header row naming the "
                       "model's inputs and labels)");
  // Columns of each tensor, in file order.
  std::vector<std::vector<size_t>> Columns(Specs.size());
  for (size_t C = 0; C < Header.size(); ++C) {
    int Owner = columnOwner(Header[C], Specs);
    if (Owner >= 0)
      Columns[Owner].push_back(C);
  }
  // Indexed columns go where their index says; bare names in file order.
  for (size_t I = 0; I < Specs.size(); ++I) {
    std::vector<int64_t> Index;
    for (size_t C : Columns[I])
      Index.push_back(columnIndex(Header[C], Specs[I]->Name));
    bool Indexed = !Index.empty() && Index.front() >= 0;
    std::vector<size_t> Placed(Columns[I].size(), SIZE_MAX);
    for (size_t K = 0; K < Index.size() && Indexed; ++K) {
      int64_t At = Index[K];
      if (At < 0 || At >= static_cast<int64_t>(Placed.size()) ||
          Placed[At] != SIZE_MAX)
        throw Error(Path + ": line " + std::to_string(LineNo) + ": column '" +
                    Header[Columns[I][K]] + "' of " + Roles[I] + " " +
                    Specs[I]->Name + ": " +
                    (At < 0 ? "mixes indexed and unindexed column names"
                            : "index " + std::to_string(At) +
                                  (At >= static_cast<int64_t>(Placed.size())
                                       ? " is out of range"
                                       : " is given twice")) +
                    " (" + std::to_string(Placed.size()) + " columns)");
      Placed[At] = Columns[I][K];
    }
    if (Indexed)
      Columns[I] = Placed;
  }
  for (size_t I = 0; I < Specs.size(); ++I) {
    if (Specs[I]->Type != DType::F32 && Specs[I]->Type != DType::I32)
      throw Error(Path + ": model " + Roles[I] + " " + Specs[I]->Name + " (" +
                  Specs[I]->describe() + ") cannot be read from CSV");
    int64_t Want = Specs[I]->exampleElements();
    if (static_cast<int64_t>(Columns[I].size()) != Want)
      throw Error(Path + ": line " + std::to_string(LineNo) + ": model " +
                  Roles[I] + " " + Specs[I]->Name + " (" +
                  Specs[I]->describe() + ") needs " + std::to_string(Want) +
                  " column" + (Want == 1 ? "" : "s") + " named " +
                  Specs[I]->Name +
                  (Want == 1 ? "" : " or " + Specs[I]->Name + "[i]/_i/.i") +
                  "; the header has " + std::to_string(Columns[I].size()));
  }

  // Values row by row; checked while parsing so errors name the line.
  std::vector<std::vector<double>> Values(Specs.size());
  int64_t Rows = 0;
  while (std::getline(In, Line)) {
    ++LineNo;
    if (trim(Line).empty())
      continue;
    std::vector<std::string> Fields = splitRow(Line);
    if (Fields.size() != Header.size())
      throw Error(Path + ": line " + std::to_string(LineNo) + ": expected " +
                  std::to_string(Header.size()) +
                  " fields (as the header has), got " +
                  std::to_string(Fields.size()));
    for (size_t I = 0; I < Specs.size(); ++I)
      for (size_t C : Columns[I]) {
        const std::string &F = Fields[C];
        std::string Where = Path + ": line " + std::to_string(LineNo) +
                            ": column '" + Header[C] + "'";
        char *End = nullptr;
        errno = 0;
        double V = std::strtod(F.c_str(), &End);
        if (F.empty() || *End != '\0' || errno == ERANGE ||
            std::fabs(V) > std::numeric_limits<float>::max())
          throw Error(Where + ": '" + F + "' is not a number" +
                      (*End == '\0' && !F.empty() ? " float32 can hold" : ""));
        if (Specs[I]->Type == DType::I32 &&
            (V != std::floor(V) || V < INT32_MIN || V > INT32_MAX))
          throw Error(Where + ": '" + F + "' is not an integer (model " +
                      Roles[I] + " " + Specs[I]->Name + " is " +
                      Specs[I]->describe() + ")");
        Values[I].push_back(V);
      }
    ++Rows;
  }

  Dataset D;
  D.Path = Path;
  D.NumExamples = Rows;
  for (size_t I = 0; I < Specs.size(); ++I) {
    Array A(Specs[I]->Type, Specs[I]->withBatch(Rows));
    for (size_t K = 0; K < Values[I].size(); ++K) {
      if (Specs[I]->Type == DType::I32)
        A.as<int32_t>()[K] = static_cast<int32_t>(Values[I][K]);
      else
        A.as<float>()[K] = static_cast<float>(Values[I][K]);
    }
    (Roles[I] == "input" ? D.Inputs : D.Labels).push_back(std::move(A));
  }
  return D;
}

} // namespace modelc::rt
