# Warnings for our own targets only (LibTorch and Qt headers are included as SYSTEM).
function(vlmscope_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
endfunction()
