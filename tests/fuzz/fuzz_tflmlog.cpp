// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: TFLM MicroProfiler text through the streaming TflmLogParser (random chunk splits and options from
// the last bytes), then every run mapped onto an operator list made from the run's own tags, partly altered.
#include "protocol/tflmlogparser.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <QByteArrayView>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what)
{
    std::fprintf(stderr, "fuzz_tflmlog: %s\n", what);
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider input(data, size);
    Devices::TflmLogParserOptions options;
    options.expectedEventsPerRun = input.ConsumeIntegralInRange<int>(0, 8); // 0: infer runs from the tag period
    options.maxLineBytes = input.ConsumeBool() ? 4096 : input.ConsumeIntegralInRange<int>(1, 64);
    options.maxPlausibleFraction = input.ConsumeBool() ? 0.5 : input.ConsumeProbability<double>();
    const std::size_t chunkA = input.ConsumeIntegralInRange<std::size_t>(1, 64);
    const std::size_t chunkB = input.ConsumeIntegralInRange<std::size_t>(1, 512);
    const std::uint8_t alter = input.ConsumeIntegral<std::uint8_t>();
    const std::vector<char> text = input.ConsumeRemainingBytes<char>();

    Devices::TflmLogParser parser(options);
    std::size_t pos = 0;
    bool odd = false;
    while (pos < text.size()) {
        const std::size_t n = std::min(odd ? chunkB : chunkA, text.size() - pos);
        parser.feed(QByteArrayView(text.data() + pos, static_cast<qsizetype>(n)));
        pos += n;
        odd = !odd;
    }
    const Devices::TflmLog log = parser.finish();
    if (log.ignoredLines > log.lines)
        fail("more ignored lines than lines");

    for (const Devices::TflmRun& run : log.runs) {
        quint64 total = 0;
        int rejected = 0;
        for (const Devices::TflmEvent& event : run.events) {
            if (event.rejected())
                ++rejected;
            else
                total += event.ticks;
            (void)Devices::tflmRejectReasonText(event.rejectReason);
        }
        if (total != run.totalTicks || rejected != run.rejectedEvents)
            fail("a run's recomputed totals disagree with its events");

        // An operator list like the model's: the run's tags, with one changed, one dropped or one added.
        std::vector<QString> types;
        for (const Devices::TflmEvent& event : run.events)
            types.push_back(event.tag.toLower());
        if (!types.empty() && (alter & 1))
            types[alter % types.size()] = QStringLiteral("CUSTOM_OP");
        if (!types.empty() && (alter & 2))
            types.pop_back();
        if (alter & 4)
            types.push_back(QStringLiteral("SOFTMAX"));
        const Devices::TflmOperatorMapping mapping = Devices::mapEventsToOperators(types, run);
        if (mapping.operators.size() != types.size())
            fail("the mapping does not have one entry per operator");
        if (mapping.matched < 0 || static_cast<std::size_t>(mapping.matched) > types.size())
            fail("more operators matched than exist");
    }
    return 0;
}
