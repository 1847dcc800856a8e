// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

namespace Profiler {

/** Progress reporting (0..1000) and cooperative cancellation for long synchronous work. Both are optional. */
struct Progress
{
    std::function<void(int permille)> report;
    std::function<bool()> isCancelled;

    void set(int permille) const
    {
        if (report)
            report(permille);
    }
    bool cancelled() const { return isCancelled && isCancelled(); }
};

} // namespace Profiler
