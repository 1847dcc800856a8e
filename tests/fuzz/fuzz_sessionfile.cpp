// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: a .tsession file (JSON Lines) from bytes. A file that reads must keep its runs through a save
// and a second read (what "save as" relies on): in memory for every input (sessionFileBytes() is what
// writeSessionFile() writes), and through a real file for one input in 64 (the first of every process, so running one
// input alone takes that path too). The file adds only fixed file handling and costs a dozen system calls and a sync.
#include "session/sessionfile.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void fail(const char* what)
{
    std::fprintf(stderr, "fuzz_sessionfile: %s\n", what);
    std::abort();
}

/** Where the round trip writes: one file per process, overwritten by every input. In RAM (/dev/shm) when there is
 *  one, because writeSessionFile() syncs to disk and that would dominate the time per input. */
QString scratchPath()
{
    static const QString path = [] {
        const QDir dir
            = QFileInfo(QStringLiteral("/dev/shm")).isWritable() ? QDir(QStringLiteral("/dev/shm")) : QDir::temp();
        return dir.filePath(QStringLiteral("tinyscope-fuzz-%1.tsession").arg(QCoreApplication::applicationPid()));
    }();
    static const bool removedAtExit = [] {
        std::atexit([] { QFile::remove(scratchPath()); }); // libFuzzer ends with exit(): no file left behind
        return true;
    }();
    (void)removedAtExit;
    return path;
}

/** The round trip must give back every run, the board and the header fields, without a warning. */
void checkSame(const Devices::Capture& capture, const Devices::SessionFileResult& again, const char* how)
{
    if (!again.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(again.error));
        fail(how);
    }
    const Devices::Capture& copy = again.value->capture;
    if (!(copy.runs == capture.runs) || !(copy.board == capture.board) || copy.source != capture.source
        || copy.startedMs != capture.startedMs || copy.modelPath != capture.modelPath
        || copy.modelSha256 != capture.modelSha256)
        fail(how);
    if (!again.value->warnings.empty())
        fail("a written session file reads with warnings");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const Devices::SessionFileResult read = Devices::parseSessionData(bytes, QStringLiteral("fuzz.tsession"));
    if (!read.ok()) {
        if (!read.error.contains(QStringLiteral("fuzz.tsession")))
            fail("an error message does not name the file");
        return 0;
    }
    const Devices::Capture& capture = read.value->capture;
    if (read.value->warnings.size() > 101)
        fail("more warnings than the documented cap");

    const QByteArray written = Devices::sessionFileBytes(capture);
    checkSame(capture, Devices::parseSessionData(written, QStringLiteral("again.tsession")),
        "the capture changed through sessionFileBytes() and parseSessionData()");

    static unsigned inputs = 0;
    if (inputs++ % 64 == 0) {
        QString error;
        if (!Devices::writeSessionFile(scratchPath(), capture, &error))
            fail("cannot write the scratch session file");
        checkSame(capture, Devices::readSessionFile(scratchPath()),
            "the capture changed through writeSessionFile() and readSessionFile()");
        QFile file(scratchPath());
        if (!file.open(QIODevice::ReadOnly) || file.readAll() != written)
            fail("writeSessionFile() wrote other bytes than sessionFileBytes()");
    }
    return 0;
}
