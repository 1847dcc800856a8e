// SPDX-License-Identifier: GPL-3.0-or-later
// tinyscope-fuzz-seeds OUTDIR: writes the seed corpora of the fuzz targets, one folder per target, from TinyScope's
// own fixtures and writers (no file of the repository is copied). run-fuzzers.sh calls it when a corpus is empty.
#include "boards/boardprofile.h"
#include "fixtures.h"
#include "protocol/wireprotocol.h"
#include "session/sessionfile.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>

#include <cstdio>
#include <vector>

namespace {

int g_written = 0;
bool g_failed = false;

void writeSeed(const QDir& dir, const QString& name, const QByteArray& bytes)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        std::fprintf(stderr, "tinyscope-fuzz-seeds: cannot write %s: %s\n", qPrintable(file.fileName()),
            qPrintable(file.errorString()));
        g_failed = true;
        return;
    }
    ++g_written;
}

QString safeName(QString name)
{
    for (QChar& c : name) {
        if (!c.isLetterOrNumber() && c != QLatin1Char('-') && c != QLatin1Char('_'))
            c = QLatin1Char('_');
    }
    return name.left(60);
}

/** The bytes the targets that split their input read from its end (FuzzedDataProvider takes integers there). */
QByteArray withControlTail(QByteArray stream, const QByteArray& tail)
{
    stream += tail;
    return stream;
}

void modelSeeds(const QDir& dir)
{
    for (const TestHelpers::Fixture& fixture : TestHelpers::allFixtures())
        writeSeed(dir, QStringLiteral("fixture_%1.tflite").arg(safeName(fixture.name)), fixture.bytes);
    for (const TestHelpers::MalformedModel& model : TestHelpers::malformedModels())
        writeSeed(dir, QStringLiteral("malformed_%1.tflite").arg(safeName(model.name)), model.bytes);
    const TestHelpers::Fixture example = TestHelpers::exampleModelFixture();
    if (!example.bytes.isEmpty())
        writeSeed(dir, QStringLiteral("example_kws_ds_cnn.tflite"), example.bytes);
}

void frameSeeds(const QDir& dir)
{
    using namespace Devices;
    Hello hello;
    hello.cpuHz = 25'000'000;
    hello.tickHz = 25'000'000;
    hello.arenaBytesUsed = 22'000;
    hello.modelId = 0x1234abcd;
    hello.boardName = QStringLiteral("qemu-mps2-an386");
    LayerBegin begin;
    begin.layerIndex = 3;
    begin.opCode = 3;
    begin.ticks = 1000;
    LayerBegin custom = begin;
    custom.opCode = Wire::kUnknownOp;
    custom.tag = QStringLiteral("MyCustomOp");
    const std::vector<Message> singles { Ping { 7 }, StartRuns { 3 }, Stop {}, hello, Pong { 7 }, RunStart { 1 }, begin,
        custom, LayerEnd { 3, 5000 }, RunEnd { 1, 123456 }, LogText { QStringLiteral("arena ok") },
        BoardError { 2, QStringLiteral("arena too small") } };
    const QByteArray tail("\x01\x10\x03\x02", 4);
    for (std::size_t i = 0; i < singles.size(); ++i) {
        writeSeed(dir, QStringLiteral("single_%1").arg(messageTypeName(static_cast<quint8>(messageType(singles[i])))),
            withControlTail(encodeFrame(singles[i], static_cast<quint8>(i)), tail));
    }

    // A whole session as a board sends it: Hello, two runs of three layers, a log line; then the same with noise,
    // a lost frame and a board reset in the middle.
    FrameEncoder encoder;
    QByteArray session = encoder.encode(hello);
    for (quint32 run = 0; run < 2; ++run) {
        session += encoder.encode(RunStart { run });
        for (quint16 layer = 0; layer < 3; ++layer) {
            LayerBegin b = begin;
            b.layerIndex = layer;
            b.ticks = 1000u * layer;
            session += encoder.encode(b);
            session += encoder.encode(LayerEnd { layer, 900u + layer });
        }
        session += encoder.encode(RunEnd { run, 2700 });
    }
    session += encoder.encode(LogText { QStringLiteral("done") });
    writeSeed(dir, QStringLiteral("session_clean"), withControlTail(session, QByteArray("\x05\x40\x07\x02", 4)));

    QByteArray noisy = QByteArray("\x00\xa5\xff\x5a garbage \xa5\x5a\x01", 17) + session.left(40);
    noisy += session.mid(52); // a frame lost
    noisy += encoder.encode(hello); // the board restarted
    noisy += QByteArray(30, '\xa5');
    writeSeed(dir, QStringLiteral("session_noisy"), withControlTail(noisy, QByteArray("\x00\x01\xff\x03", 4)));
    QByteArray badCrc = encodeFrame(RunStart { 9 }, 0);
    badCrc[badCrc.size() - 1] = static_cast<char>(badCrc.at(badCrc.size() - 1) ^ 0x40);
    QByteArray otherVersion = encodeFrame(Pong { 1 }, 1);
    otherVersion[2] = 2;
    writeSeed(dir, QStringLiteral("bad_crc_and_version"), withControlTail(badCrc + otherVersion, tail));
}

void tflmLogSeeds(const QDir& dir)
{
    const QByteArray tail("\x00\x07\x20\x01\x01\x00", 6);
    const QByteArray log = "CONV_2D took 249561 ticks (9 ms).\n"
                           "DEPTHWISE_CONV_2D took 1000 ticks (0 ms).\n"
                           "FULLY_CONNECTED took 500 ticks (0 ms).\n"
                           "CONV_2D took 249000 ticks (9 ms).\n"
                           "DEPTHWISE_CONV_2D took 1001 ticks (0 ms).\n"
                           "FULLY_CONNECTED took 501 ticks (0 ms).\n";
    writeSeed(dir, QStringLiteral("log_two_runs"), withControlTail(log, tail));
    QByteArray crlf = log;
    crlf.replace("\n", "\r\n");
    writeSeed(dir, QStringLiteral("log_crlf"), withControlTail(crlf, QByteArray("\x03\x05\x00\x01\x00\x03", 6)));
    const QByteArray csv = "\"Event\",\"Tag\",\"Ticks\",\"ms\"\n0,CONV_2D,249561,9\n1,SOFTMAX,120,0\n"
                           "\"Event\",\"Tag\",\"Ticks\"\n0,CONV_2D,249000\n2,SOFTMAX,-1\n"
                           "\"Unique Tag\",\"Total ticks across all events with that tag.\"\n"
                           "CONV_2D, 498561\nSOFTMAX, 120\n\"total number of ticks\", 498681\n";
    writeSeed(dir, QStringLiteral("csv_and_totals"), withControlTail(csv, tail));
    const QByteArray mixed = "TFLM boot v1.2\r\nHello, 42\r\nADD took 1 ticks (0 ms).\nMUL took -5 ticks (0 ms).\n"
                             "RELU took 4294967295 ticks (0 ms).\nADD took 4 ticks (0 ms).\n0,A,3\n1,B,4\n"
                             "  CONV_2D took 99999999999 ticks (0 ms).  \n\x01\xff garbage\nCONV_2D, 5\n";
    writeSeed(dir, QStringLiteral("mixed_garbage"), withControlTail(mixed, QByteArray("\x00\x02\x10\x05\x00\x00", 6)));
}

void boardSeeds(const QDir& dir)
{
    const Devices::BoardList boards = Devices::builtinBoards();
    for (const Devices::BoardProfile& board : boards.boards)
        writeSeed(dir, QStringLiteral("%1.json").arg(safeName(board.id)), Devices::boardProfileToJson(board));
    // The shipped files as written by hand (key order, comments of style, optional fields left out).
    const QDir resources(QStringLiteral(":/tinyscope/boards"));
    for (const QString& name : resources.entryList({ QStringLiteral("*.json") }, QDir::Files)) {
        QFile file(resources.filePath(name));
        if (file.open(QIODevice::ReadOnly))
            writeSeed(dir, QStringLiteral("shipped_%1").arg(name), file.readAll());
    }
}

void sessionSeeds(const QDir& dir)
{
    using namespace Devices;
    Capture capture;
    capture.source = QStringLiteral("serial /dev/ttyACM0");
    capture.startedMs = 1'700'000'000'000;
    capture.modelPath = QStringLiteral("/models/kws \"ds\" cnn.tflite");
    capture.modelSha256 = QStringLiteral("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    BoardIdentity board;
    board.versionMajor = 1;
    board.boardName = QStringLiteral("nucleo-h743zi2");
    board.cpuHz = 480'000'000;
    board.tickHz = 480'000'000;
    board.arenaBytesUsed = 81'234;
    board.modelId = 42;
    capture.board = board;
    const RunCut cuts[] = { RunCut::None, RunCut::Disconnected, RunCut::BoardReset, RunCut::Stopped, RunCut::Protocol };
    quint32 index = 0;
    for (const RunCut cut : cuts) {
        CapturedRun run;
        run.runIndex = index++;
        run.cut = cut;
        run.receivedMs = capture.startedMs + 100 * index;
        for (quint16 layer = 0; layer < 4; ++layer) {
            LayerSample sample;
            sample.layerIndex = layer;
            sample.opCode = layer == 3 ? 0xFFFF : layer;
            sample.beginTicks = 1000u * layer;
            if (!(cut != RunCut::None && layer == 3))
                sample.elapsedTicks = 900u + layer;
            if (layer == 3)
                sample.tag = QStringLiteral("Custom\ttag \u00e9");
            run.layers.push_back(sample);
        }
        if (cut == RunCut::None)
            run.totalTicks = 3606;
        capture.runs.push_back(run);
    }
    const QString scratch = QDir(dir.absolutePath()).filePath(QStringLiteral(".scratch.tsession"));
    QString error;
    if (!writeSessionFile(scratch, capture, &error)) {
        std::fprintf(stderr, "tinyscope-fuzz-seeds: %s\n", qPrintable(error));
        g_failed = true;
        return;
    }
    QFile file(scratch);
    QByteArray written;
    if (file.open(QIODevice::ReadOnly))
        written = file.readAll();
    file.close();
    QFile::remove(scratch);
    writeSeed(dir, QStringLiteral("capture.tsession"), written);
    QByteArray damaged = written;
    damaged += "{\"type\":\"note\",\"ms\":5,\"text\":\"disconnected: port gone\"}\n";
    damaged += "{\"type\":\"run\",\"run\":9,\"cut\":\"x\",\"layers\":[]}\n\x01\xff not json\n";
    damaged += "{\"type\":\"run\",\"run\":10,\"cut\":\"none\",\"totalTicks\":null,\"layers\":[[0,1,2,null]]}\n";
    damaged += "{\"type\":\"run\",\"run\":11,\"cut\":\"none\",\"layers\":[[0,1,2,";
    writeSeed(dir, QStringLiteral("damaged.tsession"), damaged);
    writeSeed(dir, QStringLiteral("header_only.tsession"), written.left(written.indexOf('\n') + 1));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 2) {
        std::fprintf(stderr,
            "usage: tinyscope-fuzz-seeds OUTDIR\n"
            "writes OUTDIR/{model,frames,tflmlog,boardprofile,sessionfile}/*\n");
        return 2;
    }
    const QDir out(args.at(1));
    const auto folder = [&](const QString& name) {
        if (!out.mkpath(name)) {
            std::fprintf(stderr, "tinyscope-fuzz-seeds: cannot create %s\n", qPrintable(out.filePath(name)));
            g_failed = true;
        }
        return QDir(out.filePath(name));
    };
    modelSeeds(folder(QStringLiteral("model")));
    frameSeeds(folder(QStringLiteral("frames")));
    tflmLogSeeds(folder(QStringLiteral("tflmlog")));
    boardSeeds(folder(QStringLiteral("boardprofile")));
    sessionSeeds(folder(QStringLiteral("sessionfile")));
    std::printf("tinyscope-fuzz-seeds: %d seed files in %s\n", g_written, qPrintable(out.absolutePath()));
    return g_failed ? 1 : 0;
}
