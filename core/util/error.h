// Error types shared by every layer. Messages are complete one-liners that name the file
// or argument and the problem ("config.json: field 'lm_n_heads' is missing"), so callers
// print them as they are.
#pragma once

#include <stdexcept>
#include <string>

namespace vlmscope {

// The user gave us something unusable (file, argument, value). Batch exit code 1.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Something failed while running on valid input (out of memory, disk full). Exit code 2.
class RuntimeFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace vlmscope
