//===- DslParser.cpp - the text DSL front end (SPEC 3.2) ------------------===//
//
// One statement per line; attribute values are JSON values and are handed to
// nlohmann/json. The result is the same JSON document the JSON front end
// produces, with positions recorded under the same pointers.
//
//===----------------------------------------------------------------------===//
#include "modelc/Frontend/Model.h"
#include "modelc/Frontend/Schema.h"

#include <cctype>
#include <cstdint>

using namespace modelc;

namespace {

class DslParser {
public:
  DslParser(const std::string &file, const std::string &text, Diagnostic &diag)
      : text(text), lines(text), diag(diag) {
    parsed.file = file;
  }

  std::optional<ParsedModel> run();

private:
  // Cursor over the current line.
  bool atEnd() const { return pos >= lineEnd; }
  char peek() const { return atEnd() ? '\0' : text[pos]; }
  void skipSpace() {
    while (!atEnd() &&
           (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r'))
      ++pos;
  }
  SourceLoc here() const { return lines.at(pos); }
  SourceLoc at(size_t offset) const { return lines.at(offset); }

  bool error(SourceLoc loc, std::string message) {
    if (!failed)
      diag = {loc, std::move(message)};
    failed = true;
    return false;
  }
  bool expectChar(char c, const std::string &what) {
    skipSpace();
    if (peek() != c)
      return error(here(), std::string("expected ") + what);
    ++pos;
    return true;
  }
  /// A name: the characters the JSON form allows in layer names, so every
  /// JSON model can be written in the DSL.
  bool identifier(std::string &out, const char *what) {
    skipSpace();
    size_t start = pos;
    while (!atEnd() &&
           (std::isalnum((unsigned char)text[pos]) || text[pos] == '_' ||
            text[pos] == '.' || text[pos] == '-'))
      ++pos;
    if (pos == start)
      return error(at(start), std::string("expected ") + what);
    out = text.substr(start, pos - start);
    return true;
  }

  bool jsonValue(json &out);
  bool keywordArgs(json &object, const std::string &pointer,
                   std::vector<std::pair<std::string, size_t>> *positional);
  bool tensorDecl(const char *listKey);
  bool modelStatement();
  bool layerStatement(const std::string &name, size_t nameOffset);
  bool lossStatement();
  bool optimizerStatement();
  bool metricsStatement();
  bool outputStatement();
  bool statement();

  const std::string &text;
  LineIndex lines;
  Diagnostic &diag;
  ParsedModel parsed;
  size_t pos = 0, lineEnd = 0;
  bool failed = false;
  bool sawModel = false;
};

/// A JSON value ends at the first ',' or ')' outside brackets and strings.
/// Bare identifiers are accepted as strings (`padding=same`).
bool DslParser::jsonValue(json &out) {
  skipSpace();
  size_t start = pos;
  int depth = 0;
  bool inString = false;
  for (; !atEnd(); ++pos) {
    char c = text[pos];
    if (inString) {
      if (c == '\\')
        ++pos;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"')
      inString = true;
    else if (c == '[' || c == '{')
      ++depth;
    else if (c == ']' || c == '}')
      --depth;
    else if (depth == 0 && (c == ',' || c == ')'))
      break;
    else if (c == '#' && depth == 0)
      break;
  }
  std::string raw = text.substr(start, pos - start);
  while (!raw.empty() && std::isspace((unsigned char)raw.back()))
    raw.pop_back();
  if (raw.empty())
    return error(at(start), "expected a value");
  bool bare = std::isalpha((unsigned char)raw[0]) && raw != "true" &&
              raw != "false" && raw != "null";
  if (bare) {
    for (char c : raw)
      if (!std::isalnum((unsigned char)c) && c != '_')
        return error(at(start),
                     "expected a JSON value, got '" + shortText(raw) + "'");
    out = raw;
    return true;
  }
  json value;
  size_t offset = 0;
  std::string message;
  if (!parseJsonText(raw, value, offset, message))
    return error(at(start + offset), message);
  out = std::move(value);
  return true;
}

/// `(a, b, key=value, ...)`: positional names first, then keyword values.
bool DslParser::keywordArgs(
    json &object, const std::string &pointer,
    std::vector<std::pair<std::string, size_t>> *positional) {
  if (!expectChar('(', "'('"))
    return false;
  skipSpace();
  if (peek() == ')') {
    ++pos;
    return true;
  }
  while (true) {
    skipSpace();
    size_t start = pos;
    std::string word;
    if (!identifier(word, "an argument name"))
      return false;
    skipSpace();
    if (peek() == '=') {
      ++pos;
      if (object.contains(word))
        return error(at(start), "attribute '" + word + "' is given twice");
      parsed.locs.set(pointer + "/" + word, at(start));
      json value;
      if (!jsonValue(value))
        return false;
      object[word] = std::move(value);
    } else {
      if (!positional)
        return error(at(start), "expected 'name=value'");
      if (!object.empty())
        return error(at(start), "positional argument '" + word +
                                    "' after keyword arguments");
      positional->push_back({word, start});
    }
    skipSpace();
    if (peek() == ',') {
      ++pos;
      continue;
    }
    if (peek() == ')') {
      ++pos;
      return true;
    }
    return error(here(), "expected ',' or ')'");
  }
}

/// `input x: f32[?, 8, 8, 1]`
bool DslParser::tensorDecl(const char *listKey) {
  json &list = parsed.doc[listKey];
  std::string pointer =
      std::string("/") + listKey + "/" + std::to_string(list.size());
  parsed.locs.set(pointer, here());
  json decl = json::object();
  std::string name, dtype;
  size_t nameOffset = pos;
  if (!identifier(name, "a tensor name"))
    return false;
  parsed.locs.set(pointer + "/name", at(nameOffset));
  if (!expectChar(':', "':' after the tensor name"))
    return false;
  skipSpace();
  parsed.locs.set(pointer + "/dtype", here());
  if (!identifier(dtype, "a dtype (f32 or i32)"))
    return false;
  skipSpace();
  parsed.locs.set(pointer + "/shape", here());
  if (!expectChar('[', "'[' starting the shape"))
    return false;
  json shape = json::array();
  while (true) {
    skipSpace();
    if (peek() == '?') {
      ++pos;
      shape.push_back(-1);
    } else {
      size_t start = pos;
      if (peek() == '-')
        ++pos;
      size_t digits = pos;
      while (std::isdigit((unsigned char)peek()))
        ++pos;
      if (pos == digits)
        return error(here(), "expected a dimension ('?' or an integer)");
      std::string token = text.substr(start, pos - start);
      int64_t dim = 0;
      for (size_t i = digits; i < pos; ++i) {
        int64_t digit = text[i] - '0';
        if (dim > (INT64_MAX - digit) / 10)
          return error(at(start), "dimension " + token + " is too large");
        dim = dim * 10 + digit;
      }
      shape.push_back(text[start] == '-' ? -dim : dim);
    }
    skipSpace();
    if (peek() == ',') {
      ++pos;
      continue;
    }
    if (!expectChar(']', "',' or ']' in the shape"))
      return false;
    break;
  }
  decl["name"] = name;
  decl["shape"] = shape;
  decl["dtype"] = dtype;
  list.push_back(decl);
  return true;
}

/// `model NAME [seed=S]`
bool DslParser::modelStatement() {
  std::string name;
  size_t nameOffset = pos;
  skipSpace();
  nameOffset = pos;
  if (!identifier(name, "the model name"))
    return false;
  parsed.doc["name"] = name;
  parsed.locs.set("/name", at(nameOffset));
  while (true) {
    skipSpace();
    if (atEnd() || peek() == '#')
      return true;
    size_t start = pos;
    std::string key;
    if (!identifier(key, "'key=value'"))
      return false;
    if (!expectChar('=', "'=' after '" + key + "'"))
      return false;
    json value;
    if (!jsonValue(value))
      return false;
    parsed.doc[key] = value;
    parsed.locs.set("/" + key, at(start));
  }
}

bool DslParser::layerStatement(const std::string &name, size_t nameOffset) {
  json &layers = parsed.doc["layers"];
  std::string pointer = "/layers/" + std::to_string(layers.size());
  parsed.locs.set(pointer, at(nameOffset));
  parsed.locs.set(pointer + "/name", at(nameOffset));
  skipSpace();
  size_t opOffset = pos;
  std::string op;
  if (!identifier(op, "an op name"))
    return false;
  parsed.locs.set(pointer + "/op", at(opOffset));
  json attrs = json::object();
  std::vector<std::pair<std::string, size_t>> positional;
  if (!keywordArgs(attrs, pointer, &positional))
    return false;
  if (positional.size() > 1 && findLayerSchema(op) && !opTakesInputList(op))
    return error(at(positional[1].second),
                 op + " takes one input, not '" + positional[1].first +
                     "' as well (attributes are written name=value)");
  json layer = json::object();
  layer["name"] = name;
  layer["op"] = op;
  if (positional.size() == 1 && !opTakesInputList(op)) {
    layer["input"] = positional[0].first;
    parsed.locs.set(pointer + "/input", at(positional[0].second));
  } else if (!positional.empty()) {
    json inputs = json::array();
    for (size_t i = 0; i < positional.size(); ++i) {
      inputs.push_back(positional[i].first);
      parsed.locs.set(pointer + "/inputs/" + std::to_string(i),
                      at(positional[i].second));
    }
    layer["inputs"] = inputs;
    parsed.locs.set(pointer + "/inputs", at(positional[0].second));
  }
  for (auto &[key, value] : attrs.items())
    layer[key] = value;
  layers.push_back(layer);
  return true;
}

/// `loss softmax_cross_entropy(logits, y)`
bool DslParser::lossStatement() {
  skipSpace();
  parsed.locs.set("/loss", here());
  size_t opOffset = pos;
  std::string op;
  if (!identifier(op, "a loss name"))
    return false;
  parsed.locs.set("/loss/op", at(opOffset));
  json attrs = json::object();
  std::vector<std::pair<std::string, size_t>> positional;
  if (!keywordArgs(attrs, "/loss", &positional))
    return false;
  json loss = json::object();
  loss["op"] = op;
  std::vector<std::string> roles = lossOperandNames(op);
  if (roles.empty())
    return error(at(opOffset),
                 "unknown loss '" + op + "'" +
                     didYouMean(op, {"softmax_cross_entropy",
                                     "sigmoid_cross_entropy",
                                     "mean_squared_error"}) +
                     " (known: softmax_cross_entropy, sigmoid_cross_entropy, "
                     "mean_squared_error)");
  if (positional.size() > roles.size())
    return error(at(positional[roles.size()].second),
                 "loss '" + op + "' takes " + std::to_string(roles.size()) +
                     " arguments");
  for (size_t i = 0; i < positional.size(); ++i) {
    loss[roles[i]] = positional[i].first;
    parsed.locs.set("/loss/" + roles[i], at(positional[i].second));
  }
  for (auto &[key, value] : attrs.items())
    loss[key] = value;
  parsed.doc["loss"] = loss;
  return true;
}

/// `optimizer adam(learning_rate=0.001)`
bool DslParser::optimizerStatement() {
  skipSpace();
  parsed.locs.set("/optimizer", here());
  size_t opOffset = pos;
  std::string op;
  if (!identifier(op, "an optimizer name"))
    return false;
  parsed.locs.set("/optimizer/op", at(opOffset));
  json attrs = json::object();
  if (!keywordArgs(attrs, "/optimizer", nullptr))
    return false;
  json opt = json::object();
  opt["op"] = op;
  for (auto &[key, value] : attrs.items())
    opt[key] = value;
  parsed.doc["optimizer"] = opt;
  return true;
}

/// `metrics accuracy, auc, top_k_accuracy(k=3)`
bool DslParser::metricsStatement() {
  json &metrics = parsed.doc["metrics"];
  if (!metrics.is_array())
    metrics = json::array();
  while (true) {
    skipSpace();
    size_t start = pos;
    std::string name;
    if (!identifier(name, "a metric name"))
      return false;
    std::string pointer = "/metrics/" + std::to_string(metrics.size());
    parsed.locs.set(pointer, at(start));
    skipSpace();
    if (peek() == '(') {
      json args = json::object();
      if (!keywordArgs(args, pointer + "/" + name, nullptr))
        return false;
      metrics.push_back({{name, args}});
    } else {
      metrics.push_back(name);
    }
    skipSpace();
    if (peek() != ',')
      return true;
    ++pos;
  }
}

/// `output a, b`
bool DslParser::outputStatement() {
  json &outputs = parsed.doc["outputs"];
  while (true) {
    skipSpace();
    size_t start = pos;
    std::string name;
    if (!identifier(name, "an output name"))
      return false;
    parsed.locs.set("/outputs/" + std::to_string(outputs.size()), at(start));
    outputs.push_back(name);
    skipSpace();
    if (peek() != ',')
      return true;
    ++pos;
  }
}

bool DslParser::statement() {
  skipSpace();
  if (atEnd() || peek() == '#')
    return true;
  size_t start = pos;
  std::string word;
  if (!identifier(word, "a statement"))
    return false;
  bool ok;
  skipSpace();
  // `NAME = op(...)` first, so a layer may be called `output` or `loss`.
  if (peek() == '=') {
    ++pos;
    ok = layerStatement(word, start);
  } else if (word == "model") {
    sawModel = true;
    ok = modelStatement();
  } else if (word == "input") {
    ok = tensorDecl("inputs");
  } else if (word == "label") {
    ok = tensorDecl("labels");
  } else if (word == "output") {
    ok = outputStatement();
  } else if (word == "loss") {
    ok = lossStatement();
  } else if (word == "optimizer") {
    ok = optimizerStatement();
  } else if (word == "metrics") {
    ok = metricsStatement();
  } else {
    return error(at(start),
                 "unknown statement '" + shortText(word) + "'" +
                     didYouMean(word, {"model", "input", "label", "output",
                                       "loss", "optimizer", "metrics"}) +
                     " (expected model, input, label, NAME = op(...), "
                     "output, loss, optimizer or metrics)");
  }
  if (!ok)
    return false;
  skipSpace();
  if (!atEnd() && peek() != '#')
    return error(here(), "unexpected text after the statement");
  return true;
}

std::optional<ParsedModel> DslParser::run() {
  parsed.doc = json::object();
  // Fixed key order, as in the JSON form.
  parsed.doc["name"] = nullptr;
  parsed.doc["inputs"] = json::array();
  parsed.doc["labels"] = json::array();
  parsed.doc["layers"] = json::array();
  parsed.doc["outputs"] = json::array();
  while (pos < text.size()) {
    lineEnd = text.find('\n', pos);
    if (lineEnd == std::string::npos)
      lineEnd = text.size();
    if (!statement())
      return std::nullopt;
    pos = lineEnd + 1;
  }
  if (!sawModel) {
    diag = {{1, 1}, "missing 'model NAME' statement"};
    return std::nullopt;
  }
  // Absent statements read like absent keys in JSON.
  if (parsed.doc["inputs"].empty())
    parsed.doc.erase("inputs");
  if (parsed.doc["labels"].empty())
    parsed.doc.erase("labels");
  return std::move(parsed);
}

} // namespace

std::optional<ParsedModel> modelc::parseDslModel(const std::string &file,
                                                 const std::string &text,
                                                 Diagnostic &diag) {
  return DslParser(file, text, diag).run();
}
