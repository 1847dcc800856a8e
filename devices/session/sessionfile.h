// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "session/capture.h"

#include <QByteArray>
#include <QFile>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace Devices {

/*
 * Session files (".tsession", format in docs/session-file.md): JSON Lines, UTF-8, one object per line, appended
 * and flushed as things happen, so a crash or unplug loses at most the line being written.
 *   {"format":"tinyscope-session","version":1,"source":...,"startedMs":...,"model":...,"modelSha256":...}
 *   {"type":"board", ...BoardIdentity...}                      on every Hello
 *   {"type":"run","run":..,"cut":"none","totalTicks":..,"receivedMs":..,"layers":[[index,opCode,begin,elapsed|null,"tag"?],...]}
 *   {"type":"note","ms":..,"text":"disconnected: ..."}         state changes worth keeping
 */

/** Appends a capture to a session file as it grows. */
class SessionFileWriter
{
public:
    /** Creates (truncates) path and writes the header line. Error text names the file and the reason. */
    static std::unique_ptr<SessionFileWriter> create(const QString& path, const Capture& header, QString* error);

    bool writeBoard(const BoardIdentity& board);
    bool writeRun(const CapturedRun& run);
    bool writeNote(qint64 ms, const QString& text);
    QString path() const { return m_file.fileName(); }
    QString errorText() const { return m_error; }

private:
    explicit SessionFileWriter(const QString& path);
    bool writeLine(const QByteArray& json);

    QFile m_file;
    QString m_error;
};

/** What reading a session file gave: the capture, and the problems met on the way. */
struct SessionFileContents
{
    Capture capture;
    std::vector<QString> notes; ///< "note" lines, in order
    std::vector<QString> warnings; ///< "FILE:LINE: reason" for skipped lines (a truncated last line after a crash)
};

/** A value or an error naming the file and the reason. */
struct SessionFileResult
{
    std::optional<SessionFileContents> value;
    QString error;
    bool ok() const { return value.has_value(); }
};

/** Reads a session file. Fails only when the file is missing, unreadable or has no valid header; bad lines after
 *  the header are skipped with a warning, keeping every run before and after them. */
SessionFileResult readSessionFile(const QString& path);

/** Reads a session file's contents from memory, as readSessionFile() does; `displayName` (a file name) starts every
 *  message. For data that did not come from a file (and the fuzz target). */
SessionFileResult parseSessionData(const QByteArray& data, const QString& displayName);

/** The whole file writeSessionFile() writes for a capture: its header, board and run lines. */
QByteArray sessionFileBytes(const Capture& capture);

/** Writes a whole capture at once (QSaveFile, atomic): "save as" and tools. */
bool writeSessionFile(const QString& path, const Capture& capture, QString* error);

} // namespace Devices
