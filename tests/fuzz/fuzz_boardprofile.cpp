// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: a board profile JSON from bytes. A profile that loads must give sane budgets and must load
// again, unchanged, from the JSON TinyScope writes for it (what "save board" relies on).
#include "boards/boardprofile.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void fail(const char* what)
{
    std::fprintf(stderr, "fuzz_boardprofile: %s\n", what);
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray json(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const Devices::BoardResult<Devices::BoardProfile> board
        = Devices::loadBoardProfile(json, QStringLiteral("fuzz.json"));
    if (!board) {
        if (!board.error.contains(QStringLiteral("fuzz.json")))
            fail("an error message does not name the file");
        return 0;
    }
    const Devices::BoardProfile& profile = *board.value;
    if (profile.ramBudgetBytes() < 0 || profile.flashBudgetBytes() < 0)
        fail("a negative budget");
    (void)profile.largestContiguousRam();

    const QByteArray written = Devices::boardProfileToJson(profile);
    const Devices::BoardResult<Devices::BoardProfile> again
        = Devices::loadBoardProfile(written, QStringLiteral("again.json"));
    if (!again) {
        std::fprintf(stderr, "%s\n", qPrintable(again.error));
        fail("a loaded profile does not load again from boardProfileToJson()");
    }
    if (Devices::boardProfileToJson(*again.value) != written)
        fail("the profile changed on a second round trip");
    return 0;
}
