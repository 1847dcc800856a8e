// SPDX-License-Identifier: GPL-3.0-or-later
// How fast the host decodes what boards send: binary frames (FrameDecoder) and TFLM MicroProfiler text
// (TflmLogParser). Prints figures only; nothing here asserts a time.
//
//   build/release/bench/bench_protocol [--events N]
//
// An "event" is one profiler message of a layer (LayerBegin or LayerEnd), the unit the target counts;
// a layer measurement is a begin/end pair.
#include "protocol/tflmlogparser.h"
#include "protocol/wireprotocol.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

using namespace Devices;

namespace {

long peakRssKiB()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

constexpr int kLayersPerRun = 50;

/** A stream of whole runs with roughly `events` layer events; `noiseEvery` > 0 puts a few random bytes after every
 *  noiseEvery-th frame (noise on the line, which the decoder has to skip). */
QByteArray makeFrameStream(qint64 events, int noiseEvery, qint64* eventCount)
{
    FrameEncoder encoder;
    std::mt19937 rng(7);
    QByteArray stream;
    qint64 count = 0;
    int frames = 0;
    auto append = [&](const Message& message) {
        stream += encoder.encode(message);
        if (noiseEvery > 0 && ++frames % noiseEvery == 0) {
            for (int i = 0; i < 5; ++i)
                stream += static_cast<char>(rng() & 0xFF);
        }
    };
    quint32 clock = 0;
    for (quint32 run = 0; count < events; ++run) {
        append(RunStart { run });
        quint32 total = 0;
        for (quint16 layer = 0; layer < kLayersPerRun; ++layer) {
            const quint32 ticks = 1000 + (rng() % 50000);
            append(LayerBegin { layer, 3, clock, {} });
            append(LayerEnd { layer, ticks });
            clock += ticks;
            total += ticks;
            count += 2;
        }
        append(RunEnd { run, total });
    }
    *eventCount = count;
    return stream;
}

struct DecodeFigures
{
    double seconds = 0;
    qint64 layerEvents = 0;
};

DecodeFigures decodeAll(const QByteArray& stream, qsizetype chunk)
{
    FrameDecoder decoder;
    DecodeFigures figures;
    QElapsedTimer timer;
    timer.start();
    for (qsizetype at = 0; at < stream.size(); at += chunk) {
        decoder.feed(stream.constData() + at, std::min(chunk, stream.size() - at));
        for (const Decoded& d : decoder.take()) {
            if (d.kind == DecodeKind::MessageReceived
                && (std::holds_alternative<LayerBegin>(d.message) || std::holds_alternative<LayerEnd>(d.message)))
                ++figures.layerEvents;
        }
    }
    figures.seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    return figures;
}

QByteArray makeTflmLog(qint64 events)
{
    static const char* const tags[] = { "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX", "ADD" };
    std::mt19937 rng(3);
    QByteArray text;
    qint64 count = 0;
    while (count < events) {
        text += "\"Event\",\"Tag\",\"Ticks\"\r\n";
        for (int i = 0; i < kLayersPerRun; ++i, ++count)
            text += QByteArray::number(i) + ',' + tags[i % 5] + ',' + QByteArray::number(1000 + rng() % 50000)
                + "\r\n";
    }
    return text;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    qint64 events = 4'000'000;
    const auto eventsAt = args.indexOf(QStringLiteral("--events"));
    if (eventsAt >= 0 && eventsAt + 1 < args.size())
        events = std::max<qint64>(1000, args.at(eventsAt + 1).toLongLong());

    std::printf("%-38s %10s %12s %14s %10s\n", "input", "MB", "events", "events/s", "MB/s");
    for (const int noiseEvery : { 0, 10 }) {
        qint64 count = 0;
        const QByteArray stream = makeFrameStream(events, noiseEvery, &count);
        for (const qsizetype chunk : { qsizetype(64), qsizetype(4096) }) {
            const DecodeFigures f = decodeAll(stream, chunk);
            if (f.layerEvents != count && noiseEvery == 0) {
                std::fprintf(stderr, "decoded %lld layer events of %lld\n", static_cast<long long>(f.layerEvents),
                    static_cast<long long>(count));
                return 1;
            }
            const QByteArray label = QByteArray("frames, ") + (noiseEvery ? "noise, " : "clean, ")
                + QByteArray::number(chunk) + "-byte reads";
            std::printf("%-38s %10.1f %12lld %14.0f %10.1f\n", label.constData(), stream.size() / 1e6,
                static_cast<long long>(f.layerEvents), static_cast<double>(f.layerEvents) / f.seconds,
                static_cast<double>(stream.size()) / 1e6 / f.seconds);
        }
    }
    {
        const QByteArray text = makeTflmLog(events / 4);
        QElapsedTimer timer;
        timer.start();
        TflmLogParser parser;
        for (qsizetype at = 0; at < text.size(); at += 4096)
            parser.feed(QByteArrayView(text.constData() + at, std::min<qsizetype>(4096, text.size() - at)));
        const TflmLog log = parser.finish();
        const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        qint64 parsed = 0;
        for (const TflmRun& run : log.runs)
            parsed += static_cast<qint64>(run.events.size());
        std::printf("%-38s %10.1f %12lld %14.0f %10.1f\n", "TFLM LogCsv text, 4096-byte reads", text.size() / 1e6,
            static_cast<long long>(parsed), static_cast<double>(parsed) / seconds,
            static_cast<double>(text.size()) / 1e6 / seconds);
    }
    std::printf("peak RSS %.0f MB\n", static_cast<double>(peakRssKiB()) / 1024.0);
    return 0;
}
