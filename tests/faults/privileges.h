// Running a child as an unprivileged writer: root ignores permission bits (CAP_DAC_OVERRIDE),
// so a read-only directory only stops root once those capabilities are dropped.
#pragma once

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace faults {

// Drops the capabilities that bypass file permissions from this thread's effective set.
// Returns false if they could not be dropped (then root would still write anywhere).
inline bool dropFileOverrides()
{
    if (::geteuid() != 0)
        return true;
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &header, data) != 0)
        return false;
    for (const int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER})
        data[cap / 32].effective &= ~(1u << (cap % 32));
    return ::syscall(SYS_capset, &header, data) == 0;
}

// Gives them back (they stay in the permitted set).
inline void restoreFileOverrides()
{
    if (::geteuid() != 0)
        return;
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &header, data) != 0)
        return;
    data[0].effective = data[0].permitted;
    data[1].effective = data[1].permitted;
    ::syscall(SYS_capset, &header, data);
}

// For a child about to exec: execve re-grants root every capability in the bounding set,
// so remove them from it. Returns false where that is not allowed.
inline bool dropFileOverridesAcrossExec()
{
    if (::geteuid() != 0)
        return true;
    for (const int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER}) {
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
            return false;
    }
    return true;
}

} // namespace faults
