// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "boards/boardfit.h"
#include "boards/boardprofile.h"
#include "document/modeldocument.h"
#include "latency/latency.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <memory>
#include <vector>

/*
 * What a report is made of: the model's document (analysis and memory plans), the boards it was judged against, an
 * optional latency profile and its session, and images the caller rendered. Plain values, so that the command line
 * and the desktop app build the same report from what they already hold.
 */
namespace Report {

/** An image rendered by the caller (the widgets draw graphs and timelines); embedded as a data: URI or inline SVG. */
struct ReportImage
{
    QByteArray data; ///< PNG or SVG bytes; empty: not rendered
    QString mimeType; ///< "image/png" or "image/svg+xml"
    QString caption;

    bool isEmpty() const { return data.isEmpty(); }
};

/** One board and the verdict for the model on it. */
struct BoardFit
{
    Devices::BoardProfile board;
    Devices::FitVerdict verdict;
};

/** Everything the report generators read. Only `document` is required. */
struct ReportInput
{
    Profiler::ModelDocumentPtr document; ///< model, per-subgraph analyses and memory plans (graphs may be empty)
    int subgraph = 0; ///< the subgraph of the layer table, node data and latency
    QString modelSha256; ///< hex; empty when unknown
    std::vector<BoardFit> boards;
    Profiler::LatencyProfilePtr latency; ///< null: no measurements
    std::shared_ptr<const Profiler::MeasuredSession> session; ///< the runs behind `latency` (session.csv); may be null
    ReportImage graphImage;
    ReportImage timelineImage;
    QString generator; ///< "TinyScope 0.1.0"
    QDateTime generatedAt; ///< invalid: left out (reproducible output)

    const Profiler::ModelAnalysis* analysis() const; ///< the analysis of `subgraph`, or nullptr
};

/** The model's needs for a fit verdict: flash = file + TFLM code estimate, RAM = TFLM's arena plan (head) + the
 *  persistent estimate (tail), the reordered arena as the alternative, unsupported operator types of all subgraphs.
 *  The desktop app's board panel is given the same (MainWindow). */
Devices::FitInput fitInputFromDocument(const Profiler::ModelDocument& document);

/** The verdict for `board`. */
BoardFit judgeBoard(const Profiler::ModelDocument& document, const Devices::BoardProfile& board);

/** A document without the graph layout (the reports do not need it, and large graphs take a while to lay out). */
Profiler::ModelDocumentPtr buildReportDocument(Profiler::Model model);

/** SHA-256 of `data` as lower-case hex. */
QString sha256Hex(const QByteArray& data);

/** SHA-256 of a file as lower-case hex; empty (and `error` set, naming the file) when it cannot be read. */
QString sha256OfFile(const QString& path, QString* error = nullptr);

/** Finds a board by id or name (case-insensitive) among the built-in ones, or loads `nameOrPath` as a board JSON
 *  file when it names an existing file. The error names the board and lists the known ids. */
Devices::BoardResult<Devices::BoardProfile> findBoard(const QString& nameOrPath);

} // namespace Report
