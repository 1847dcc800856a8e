// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the wire protocol's streaming FrameDecoder on arbitrary serial bytes, fed in random splits.
// The last bytes of the input (FuzzedDataProvider reads integers from the end) choose the chunk sizes, so the same
// stream is also tried cut at odd places. Checked: no crash, the documented bound on buffered bytes, and that every
// decoded message encodes and decodes again. describe() is called once per kind and type code in an input: its text
// depends on nothing else that could branch, and formatting it for every item was most of the time per input.
#include "protocol/wireprotocol.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <QByteArray>

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what)
{
    std::fprintf(stderr, "fuzz_frames: %s\n", what);
    std::abort();
}

void checkRoundTrip(const Devices::Message& message, quint8 sequence)
{
    static Devices::FrameDecoder again;
    again.reset();
    again.feed(Devices::encodeFrame(message, sequence));
    const std::vector<Devices::Decoded> items = again.take();
    if (items.size() != 1 || items[0].kind != Devices::DecodeKind::MessageReceived)
        fail("a decoded message does not decode again after encoding");
    if (Devices::messageType(items[0].message) != Devices::messageType(message) || items[0].sequence != sequence)
        fail("a re-encoded message changed type or sequence");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider input(data, size);
    // Up to 8 chunk sizes (1..256 bytes) come from the end of the input; the rest is the stream, fed cyclically in
    // them.
    const std::size_t chunkCount = input.ConsumeIntegralInRange<std::size_t>(1, 8);
    std::vector<std::size_t> chunks;
    for (std::size_t i = 0; i < chunkCount; ++i)
        chunks.push_back(static_cast<std::size_t>(input.ConsumeIntegral<std::uint8_t>()) + 1);
    const std::vector<char> stream = input.ConsumeRemainingBytes<char>();

    Devices::FrameDecoder decoder;
    std::size_t pos = 0;
    std::size_t chunk = 0;
    std::uint64_t messages = 0;
    std::bitset<8 * 256> described; // (kind, type) pairs already described
    const auto drain = [&] {
        for (const Devices::Decoded& item : decoder.take()) {
            const std::size_t key = static_cast<std::size_t>(item.kind) * 256 + item.type;
            if (key < described.size() && !described.test(key)) {
                described.set(key);
                if (item.describe().isEmpty())
                    fail("an empty description");
            }
            if (item.kind == Devices::DecodeKind::MessageReceived) {
                ++messages;
                checkRoundTrip(item.message, item.sequence);
            }
        }
    };
    while (pos < stream.size()) {
        const std::size_t n = std::min(chunks[chunk++ % chunks.size()], stream.size() - pos);
        decoder.feed(stream.data() + pos, static_cast<qsizetype>(n));
        pos += n;
        if (decoder.bufferedBytes() > Devices::Wire::kMaxFrameBytes)
            fail("the decoder keeps more than one partial frame");
        if (chunk % 3 == 0)
            drain();
    }
    drain();
    if (decoder.stats().messages != messages)
        fail("stats().messages differs from the messages taken");
    return 0;
}
