// Command-line options of `vlmscope --batch`, parsed and validated into plain values.
#pragma once

#include "core/engine/generator.h"

#include <QStringList>

#include <optional>
#include <string>
#include <vector>

namespace vlmscope {

struct BatchOptions {
    std::string model = "builtin";
    std::string tokenizer;
    std::string prompt = "What is in this image?";
    bool promptGiven = false;
    std::optional<std::vector<std::int64_t>> inputIds;
    std::string image;          // empty: the built-in sample image
    bool noImage = false;
    std::optional<std::string> tokenizeText;
    GenerationSettings generation;
    bool ignoreEos = false;
    int numGenerations = 1;
    int threads = 0;            // 0: one per core
    std::string device = "cpu";
    bool json = false;
    bool quiet = false;
};

// Parses argv (the --batch flag included). On a usage error prints nothing and throws
// InputError with the message; --help and --version are handled by the caller.
BatchOptions parseBatchOptions(const QStringList& arguments, bool* helpRequested, bool* versionRequested,
                               std::string* helpText);

} // namespace vlmscope
