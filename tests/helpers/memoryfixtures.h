// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "memory/memoryproblem.h"

#include <cstdint>

namespace TestHelpers {

/** A tensor buffer of `size` bytes (size and bytes alike) in use from step `first` to `last`, at `fixedOffset` when
 *  it is offline-planned (-1: free to place); no tensor index. */
inline Profiler::MemoryBuffer memoryBuffer(std::int64_t size, int first, int last, std::int64_t fixedOffset = -1)
{
    Profiler::MemoryBuffer b;
    b.bytes = size;
    b.size = size;
    b.first = first;
    b.last = last;
    b.fixedOffset = fixedOffset;
    return b;
}

} // namespace TestHelpers
