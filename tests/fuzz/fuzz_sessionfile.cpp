// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: a .tsession file (JSON Lines) from bytes. A file that reads must keep its runs through a save
// and a second read (what "save as" relies on).
#include "session/sessionfile.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDir>
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
    return path;
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

    // Round trip through writeSessionFile(): every run and the board must come back as they were.
    QString error;
    if (!Devices::writeSessionFile(scratchPath(), capture, &error))
        fail("cannot write the scratch session file");
    const Devices::SessionFileResult again = Devices::readSessionFile(scratchPath());
    if (!again.ok())
        fail("a written session file does not read again");
    const Devices::Capture& copy = again.value->capture;
    if (!(copy.runs == capture.runs) || !(copy.board == capture.board) || copy.source != capture.source
        || copy.startedMs != capture.startedMs || copy.modelPath != capture.modelPath
        || copy.modelSha256 != capture.modelSha256)
        fail("the capture changed through writeSessionFile() and readSessionFile()");
    if (!again.value->warnings.empty())
        fail("a written session file reads with warnings");
    return 0;
}
