//===- JsonParser.cpp - the JSON front end --------------------------------===//
//
// nlohmann/json parses (through SAX, so syntax errors come back with their
// byte offset instead of an exception); a second, structural walk over the
// now-valid text records where every value starts, for semantic errors.
//
//===----------------------------------------------------------------------===//
#include "modelc/Frontend/Model.h"

#include <algorithm>
#include <cctype>

using namespace modelc;

SourceLoc modelc::locationOfOffset(const std::string &text, size_t offset) {
  SourceLoc loc{1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++loc.line;
      loc.col = 1;
    } else {
      ++loc.col;
    }
  }
  return loc;
}

LineIndex::LineIndex(const std::string &text) {
  lineStarts.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n')
      lineStarts.push_back(i + 1);
}

SourceLoc LineIndex::at(size_t offset) const {
  auto next = std::upper_bound(lineStarts.begin(), lineStarts.end(), offset);
  size_t line = next - lineStarts.begin();
  return {static_cast<unsigned>(line),
          static_cast<unsigned>(offset - lineStarts[line - 1] + 1)};
}

std::string modelc::shortText(const std::string &text, size_t max) {
  if (text.size() <= max)
    return text;
  size_t cut = max - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80)
    --cut; // not inside a UTF-8 character
  return text.substr(0, cut) + "...";
}

std::string modelc::dumpJson(const json &value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

SourceLoc LocMap::lookup(std::string pointer) const {
  while (true) {
    auto it = locs.find(pointer);
    if (it != locs.end())
      return it->second;
    size_t slash = pointer.rfind('/');
    if (slash == std::string::npos)
      return {1, 1};
    pointer.resize(slash);
  }
}

namespace {

/// Builds the DOM like nlohmann's own parser, but records the first syntax
/// error instead of throwing (the compiler is built without exceptions).
class RecordingSax : public nlohmann::detail::json_sax_dom_parser<json> {
public:
  explicit RecordingSax(json &root)
      : json_sax_dom_parser(root, /*allow_exceptions=*/false) {}

  bool parse_error(std::size_t position, const std::string &,
                   const nlohmann::detail::exception &ex) {
    errorOffset = position;
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2:
    // syntax error while parsing ..." -> keep what follows the position.
    size_t colon = what.find(": ");
    message = colon == std::string::npos ? what : what.substr(colon + 2);
    failed = true;
    return false;
  }

  bool failed = false;
  size_t errorOffset = 0;
  std::string message;
};

/// Walks valid JSON text and records the start of every value by pointer,
/// in one pass, and finds the
/// first key that repeats within its object.
class Locator {
public:
  Locator(const std::string &text, LocMap &locs)
      : text(text), lines(text), locs(locs) {}

  /// False with `diag` set if an object repeats a key.
  bool run(Diagnostic &diag) {
    skipSpace();
    value("");
    if (duplicate.empty())
      return true;
    diag = {duplicateLoc, "duplicate key '" + duplicate + "' (first at line " +
                              std::to_string(firstLoc.line) + ", column " +
                              std::to_string(firstLoc.col) + ")"};
    return false;
  }

private:
  void skipSpace() {
    while (pos < text.size() && std::isspace((unsigned char)text[pos]))
      ++pos;
  }

  SourceLoc at(size_t offset) const { return lines.at(offset); }

  void mark(const std::string &pointer) { locs.set(pointer, at(pos)); }

  /// A string token, decoded (escapes resolved as the parser did).
  std::string string() {
    size_t start = pos++;
    bool escaped = false;
    while (pos < text.size() && text[pos] != '"') {
      if (text[pos] == '\\') {
        escaped = true;
        ++pos;
      }
      ++pos;
    }
    ++pos; // closing quote
    std::string raw = text.substr(start, pos - start);
    if (!escaped)
      return raw.substr(1, raw.size() - 2);
    json decoded = json::parse(raw, nullptr, /*allow_exceptions=*/false);
    return decoded.is_string() ? decoded.get<std::string>() : raw;
  }

  static std::string escape(const std::string &key) {
    std::string out;
    for (char c : key) {
      if (c == '~')
        out += "~0";
      else if (c == '/')
        out += "~1";
      else
        out += c;
    }
    return out;
  }

  /// Object members are marked at their key (where an editor would point),
  /// everything else at the value's first character.
  void value(const std::string &pointer, bool markSelf = true) {
    if (markSelf)
      mark(pointer);
    char c = text[pos];
    if (c == '{') {
      ++pos;
      skipSpace();
      std::map<std::string, SourceLoc> keys;
      while (pos < text.size() && text[pos] != '}') {
        SourceLoc keyLoc = at(pos);
        std::string key = string();
        auto [it, fresh] = keys.emplace(key, keyLoc);
        if (!fresh && duplicate.empty()) {
          duplicate = key;
          duplicateLoc = keyLoc;
          firstLoc = it->second;
        }
        std::string child = pointer + "/" + escape(key);
        if (fresh)
          locs.set(child, keyLoc);
        skipSpace();
        ++pos; // ':'
        skipSpace();
        value(child, /*markSelf=*/false);
        skipSpace();
        if (text[pos] == ',') {
          ++pos;
          skipSpace();
        }
      }
      ++pos;
    } else if (c == '[') {
      ++pos;
      skipSpace();
      for (int i = 0; pos < text.size() && text[pos] != ']'; ++i) {
        value(pointer + "/" + std::to_string(i));
        skipSpace();
        if (text[pos] == ',') {
          ++pos;
          skipSpace();
        }
      }
      ++pos;
    } else if (c == '"') {
      string();
    } else {
      while (pos < text.size() && !std::isspace((unsigned char)text[pos]) &&
             text[pos] != ',' && text[pos] != ']' && text[pos] != '}')
        ++pos;
    }
  }

  const std::string &text;
  LineIndex lines;
  LocMap &locs;
  size_t pos = 0;
  std::string duplicate;
  SourceLoc duplicateLoc, firstLoc;
};

} // namespace

/// The offset of the first bracket nested deeper than `limit`, or npos. The
/// position walk and the DOM's copies recurse once per level, so deep input
/// would overflow the stack: it is refused before parsing, in one pass.
static size_t tooDeep(const std::string &text, int limit) {
  int depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit)
        return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string::npos;
}

bool modelc::parseJsonText(const std::string &text, json &out,
                           size_t &errorOffset, std::string &message) {
  const int maxDepth = 64;
  size_t deep = tooDeep(text, maxDepth);
  if (deep != std::string::npos) {
    errorOffset = deep;
    message = "arrays and objects nested deeper than " +
              std::to_string(maxDepth) + " levels";
    return false;
  }
  RecordingSax sax(out);
  json::sax_parse(text, &sax, nlohmann::detail::input_format_t::json,
                  /*strict=*/true);
  if (!sax.failed)
    return true;
  // nlohmann reports the offset just past the offending token.
  errorOffset = sax.errorOffset > 0 ? sax.errorOffset - 1 : 0;
  message = sax.message;
  return false;
}

std::optional<ParsedModel> modelc::parseJsonModel(const std::string &file,
                                                  const std::string &text,
                                                  Diagnostic &diag) {
  ParsedModel parsed;
  parsed.file = file;
  size_t offset = 0;
  std::string message;
  if (!parseJsonText(text, parsed.doc, offset, message)) {
    diag = {locationOfOffset(text, offset), message};
    return std::nullopt;
  }
  // nlohmann keeps the last of two equal keys; the DSL rejects them, and so
  // does this front end rather than silently dropping a value.
  if (!Locator(text, parsed.locs).run(diag))
    return std::nullopt;
  return parsed;
}
