// SPDX-License-Identifier: GPL-3.0-or-later
#include "reportcommands.h"

#include "commands.h"
#include "imageexport.h"
#include "latencysources.h"
#include "reportfiles.h"
#include "reportinput.h"
#include "tflite/tfliteloader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <optional>

namespace Cli {

namespace {

int fail(QTextStream& err, const QString& command, const QString& message)
{
    err << "tinyscope-cli " << command << ": " << message << Qt::endl;
    return ExitError;
}

/** Parses; returns an exit code when done (help shown, bad usage) or nullopt to go on. */
std::optional<int> parseArguments(QCommandLineParser& parser, const QString& command, const QStringList& arguments,
    QTextStream& out, QTextStream& err)
{
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("The .tflite file."));
    const QCommandLineOption help = parser.addHelpOption();
    if (!parser.parse(arguments))
        return fail(err, command, parser.errorText());
    if (parser.isSet(help)) {
        out << parser.helpText();
        return ExitOk;
    }
    if (parser.positionalArguments().size() != 1)
        return fail(err, command, QStringLiteral("expected exactly one model file (see --help)"));
    return std::nullopt;
}

/** The loaded model's document, with the graph layout when `withLayout` (for the graph image), or nullptr after
 *  printing the loader's one-line error. */
Profiler::ModelDocumentPtr loadDocument(const QString& path, QTextStream& err, bool withLayout = false)
{
    auto loaded = Profiler::loadTfliteFile(path);
    if (!loaded.ok()) {
        err << loaded.error().userMessage << Qt::endl;
        return nullptr;
    }
    if (withLayout)
        return Profiler::buildModelDocument(std::move(loaded).value());
    return Report::buildReportDocument(std::move(loaded).value());
}

QJsonObject barJson(const Devices::FitBar& bar)
{
    QJsonObject o;
    o[QStringLiteral("used_bytes")] = bar.usedBytes;
    o[QStringLiteral("budget_bytes")] = bar.budgetBytes;
    o[QStringLiteral("percent")] = std::isfinite(bar.percent) ? QJsonValue(bar.percent) : QJsonValue();
    o[QStringLiteral("status")] = Devices::fitStatusName(bar.status);
    return o;
}

QJsonArray stringArray(const QStringList& list)
{
    QJsonArray a;
    for (const QString& s : list)
        a.append(s);
    return a;
}

/**
 * Reads measured runs for the report: a TinyScope session file (.tsession, recognised by its first bytes) or a TFLM
 * MicroProfiler log, both through LatencySources as the desktop app reads them. Warnings (samples that did not fit the
 * model, lines the reader skipped, a session recorded for another model) go to `err`; they do not fail the command.
 * A given tick rate replaces the source's (TFLM logs carry none).
 */
std::optional<Profiler::MeasuredSession> readMeasurements(const QString& path, const Profiler::Subgraph& subgraph,
    const QString& modelSha256, double tickHz, QTextStream& err)
{
    LatencySources::FileConversion read;
    const bool sessionFile = LatencySources::isSessionFile(path);
    if (sessionFile) {
        read = LatencySources::fromSessionFile(path, static_cast<int>(subgraph.operators.size()));
    } else {
        std::vector<QString> types;
        for (const Profiler::Operator& op : subgraph.operators)
            types.push_back(op.type);
        read = LatencySources::fromTflmLogFile(path, types, tickHz);
    }
    if (!read.ok()) {
        err << read.error << Qt::endl;
        return std::nullopt;
    }
    LatencySources::Conversion& conversion = *read.value;
    if (conversion.session.runs.empty()) {
        err << path << ": no runs in the session" << Qt::endl;
        return std::nullopt;
    }
    if (sessionFile && !conversion.modelSha256.isEmpty() && !modelSha256.isEmpty()
        && conversion.modelSha256.compare(modelSha256, Qt::CaseInsensitive) != 0) {
        conversion.warnings.prepend(QStringLiteral("%1: recorded for another model (SHA-256 %2...); latencies are "
                                                   "mapped by layer index")
                                        .arg(path, conversion.modelSha256.left(12)));
    }
    for (const QString& w : conversion.warnings)
        err << "warning: " << w << '\n';
    err.flush();
    if (tickHz > 0)
        conversion.session.tickHz = tickHz;
    return std::move(conversion.session);
}

/** Pixels of the graph image embedded in a report: enough for a readable overview, small enough to open. */
constexpr qint64 kReportGraphPixels = 12'000'000;

/** Renders the report's graph and timeline images (offscreen); a failure leaves the image empty (the report then
 *  says it was not rendered) and is reported on `err`. */
void renderReportImages(Report::ReportInput& input, Widgets::ImageFormat format, QTextStream& err)
{
    if (!qobject_cast<QApplication*>(QCoreApplication::instance())) {
        err << "warning: images need the application object; the report is written without them" << Qt::endl;
        return;
    }
    const auto toReportImage = [&](const Widgets::ExportedImage& image, const QString& what, const QString& caption) {
        Report::ReportImage out;
        if (!image.ok()) {
            err << "warning: " << what << " not rendered: " << image.error << Qt::endl;
            return out;
        }
        if (!image.note.isEmpty())
            err << "note: " << what << ": " << image.note << Qt::endl;
        out.data = image.data;
        out.mimeType = Widgets::imageMimeType(image.format);
        out.caption = image.note.isEmpty() ? caption : caption + QStringLiteral(" ") + image.note;
        return out;
    };
    const Profiler::LatencyProfilePtr latency = input.latency;
    const Widgets::ExportedImage graph
        = Widgets::renderGraphImage(input.document, input.subgraph, latency, format, 1.0, kReportGraphPixels);
    QString graphCaption
        = QStringLiteral("Subgraph %1, %2 operators").arg(input.subgraph).arg(input.analysis()->layers.size());
    if (latency && latency->subgraph == input.subgraph)
        graphCaption += QStringLiteral(", coloured by share of the measured time (median per operator)");
    else
        graphCaption += QStringLiteral(", coloured by operator category");
    input.graphImage = toReportImage(graph, QStringLiteral("the graph"), graphCaption + QLatin1Char('.'));

    Widgets::PlotImageOptions options;
    options.title = QStringLiteral("Memory timeline: TFLM's arena plan");
    options.latency = latency;
    const Widgets::ExportedImage timeline
        = Widgets::renderTimelineImage(input.document, Widgets::PlanKind::Tflm, format, options);
    input.timelineImage = toReportImage(timeline, QStringLiteral("the memory timeline"),
        latency ? QStringLiteral("Live arena bytes per operator step of TFLM's plan; each step as wide as its median "
                                 "measured latency, the strip below in the heat colour of its share.")
                : QStringLiteral("Live arena bytes per operator step of TFLM's plan."));
}

} // namespace

int runCheck(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    const QString command = QStringLiteral("check");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Does the model fit a board? Exit code 0: it fits; 1: it does not, or TFLM has no kernel for an operator; "
        "2: error."));
    const QCommandLineOption boardOpt(QStringLiteral("board"),
        QStringLiteral("Board id or name (see resources/boards), or a board JSON file."), QStringLiteral("name"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Write the verdict as JSON."));
    parser.addOptions({ boardOpt, jsonOpt });
    if (const auto done = parseArguments(parser, command, arguments, out, err))
        return *done;
    if (!parser.isSet(boardOpt))
        return fail(err, command, QStringLiteral("--board is required (see --help)"));
    const auto board = Report::findBoard(parser.value(boardOpt));
    if (!board.ok())
        return fail(err, command, board.error);
    const QString modelPath = parser.positionalArguments().constFirst();
    const Profiler::ModelDocumentPtr doc = loadDocument(modelPath, err);
    if (!doc)
        return ExitError;

    const Devices::FitInput need = Report::fitInputFromDocument(*doc);
    const Devices::FitVerdict v = Devices::judgeFit(need, *board.value);
    const bool fitsMemory = v.overall != Devices::FitStatus::DoesNotFit;
    const bool ok = fitsMemory && v.unsupportedOperators.isEmpty();
    const QString file = QFileInfo(modelPath).fileName();

    if (parser.isSet(jsonOpt)) {
        QJsonObject o;
        o[QStringLiteral("model")] = file;
        o[QStringLiteral("board")]
            = QJsonObject { { QStringLiteral("id"), board.value->id }, { QStringLiteral("name"), board.value->name } };
        o[QStringLiteral("ok")] = ok;
        o[QStringLiteral("fits_memory")] = fitsMemory;
        o[QStringLiteral("status")] = Devices::fitStatusName(v.overall);
        o[QStringLiteral("headline")] = v.headline;
        QJsonObject ram = barJson(v.ram);
        ram[QStringLiteral("arena_bytes")] = need.arenaBytes;
        ram[QStringLiteral("persistent_bytes")] = need.persistentBytes;
        o[QStringLiteral("ram")] = ram;
        QJsonObject flash = barJson(v.flash);
        flash[QStringLiteral("model_bytes")] = need.modelBytes;
        flash[QStringLiteral("runtime_code_bytes")] = need.runtimeCodeBytes;
        o[QStringLiteral("flash")] = flash;
        o[QStringLiteral("unsupported_operators")] = stringArray(v.unsupportedOperators);
        o[QStringLiteral("sentences")] = stringArray(v.sentences);
        o[QStringLiteral("details")] = stringArray(v.details);
        o[QStringLiteral("warnings")] = stringArray(v.warnings);
        o[QStringLiteral("reorder_saving_bytes")] = v.reorderSavingBytes;
        o[QStringLiteral("suggestion")] = v.suggestion;
        out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
    } else {
        out << file << " on " << board.value->name << ": " << v.headline << '\n';
        for (const QString& s : v.sentences)
            out << "  " << s << '\n';
        for (const QString& s : v.details)
            out << "  " << s << '\n';
        for (const QString& s : v.warnings)
            out << "  warning: " << s << '\n';
        if (!v.unsupportedSentence.isEmpty())
            out << "  " << v.unsupportedSentence << '\n';
        if (!v.suggestion.isEmpty())
            out << "  " << v.suggestion << '\n';
    }
    out.flush();
    return ok ? ExitOk : ExitFailed;
}

int runReport(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    const QString command = QStringLiteral("report");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes a report folder: report.html (self-contained), layers.csv, layers.json, memory.json, Model Explorer "
        "node data (model-explorer-*.json) and, with --session, session.csv."));
    const QCommandLineOption boardOpt(QStringLiteral("board"),
        QStringLiteral("Judge the fit on this board (id, name or board JSON file); repeat for several."),
        QStringLiteral("name"));
    const QCommandLineOption sessionOpt(QStringLiteral("session"),
        QStringLiteral("Measured runs: a TinyScope session file (.tsession) or a TFLM MicroProfiler log."),
        QStringLiteral("file"));
    const QCommandLineOption imagesOpt(QStringLiteral("images"),
        QStringLiteral("Graph and timeline images: png (default), svg, or none."), QStringLiteral("format"),
        QStringLiteral("png"));
    const QCommandLineOption tickOpt(QStringLiteral("tick-hz"),
        QStringLiteral("Tick rate of the measurements, for milliseconds (TFLM logs do not say; replaces a session's)."),
        QStringLiteral("hz"));
    const QCommandLineOption subgraphOpt(QStringLiteral("subgraph"),
        QStringLiteral("Subgraph of the layer table and node data (default 0)."), QStringLiteral("n"),
        QStringLiteral("0"));
    const QCommandLineOption outputOpt({ QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("The folder to write (created when missing)."), QStringLiteral("dir"));
    parser.addOptions({ boardOpt, sessionOpt, tickOpt, subgraphOpt, imagesOpt, outputOpt });
    if (const auto done = parseArguments(parser, command, arguments, out, err))
        return *done;
    if (!parser.isSet(outputOpt) || parser.value(outputOpt).isEmpty())
        return fail(err, command, QStringLiteral("-o DIR is required (see --help)"));
    bool numberOk = false;
    const int subgraph = parser.value(subgraphOpt).toInt(&numberOk);
    if (!numberOk || subgraph < 0)
        return fail(
            err, command, QStringLiteral("--subgraph takes a number >= 0, not \"%1\"").arg(parser.value(subgraphOpt)));
    double tickHz = 0;
    if (parser.isSet(tickOpt)) {
        tickHz = parser.value(tickOpt).toDouble(&numberOk);
        if (!numberOk || !(tickHz > 0) || !std::isfinite(tickHz))
            return fail(
                err, command, QStringLiteral("--tick-hz takes a rate > 0, not \"%1\"").arg(parser.value(tickOpt)));
    }
    std::optional<Widgets::ImageFormat> imageFormat;
    const QString images = parser.value(imagesOpt).trimmed().toLower();
    if (images != QLatin1String("none")) {
        imageFormat = Widgets::imageFormatFromName(images);
        if (!imageFormat || *imageFormat == Widgets::ImageFormat::Pdf)
            return fail(err, command, QStringLiteral("--images takes png, svg or none, not \"%1\"").arg(images));
    }
    std::vector<Devices::BoardProfile> boards;
    for (const QString& name : parser.values(boardOpt)) {
        auto board = Report::findBoard(name);
        if (!board.ok())
            return fail(err, command, board.error);
        boards.push_back(*board.value);
    }

    const QString modelPath = parser.positionalArguments().constFirst();
    Report::ReportInput input;
    input.document = loadDocument(modelPath, err, imageFormat.has_value());
    if (!input.document)
        return ExitError;
    const Profiler::Model& model = input.document->model;
    if (static_cast<std::size_t>(subgraph) >= model.subgraphs.size()) {
        err << modelPath << ": there is no subgraph " << subgraph << " (the model has " << model.subgraphs.size() << ")"
            << Qt::endl;
        return ExitError;
    }
    input.subgraph = subgraph;
    QString error;
    input.modelSha256 = Report::sha256OfFile(modelPath, &error);
    if (input.modelSha256.isEmpty()) {
        err << error << Qt::endl;
        return ExitError;
    }
    for (const Devices::BoardProfile& b : boards)
        input.boards.push_back(Report::judgeBoard(*input.document, b));
    if (parser.isSet(sessionOpt)) {
        const Profiler::Subgraph& sg = model.subgraphs[static_cast<std::size_t>(subgraph)];
        auto session = readMeasurements(parser.value(sessionOpt), sg, input.modelSha256, tickHz, err);
        if (!session)
            return ExitError;
        std::vector<qint64> macs;
        for (const Profiler::LayerInfo& layer : input.analysis()->layers)
            macs.push_back(layer.macs);
        auto profile = std::make_shared<Profiler::LatencyProfile>(
            Profiler::computeLatency(*session, static_cast<int>(sg.operators.size()), macs));
        profile->subgraph = subgraph;
        input.latency = profile;
        input.session = std::make_shared<const Profiler::MeasuredSession>(std::move(*session));
    }
    input.generator = QStringLiteral("tinyscope-cli ") + QCoreApplication::applicationVersion();
    input.generatedAt = QDateTime::currentDateTimeUtc();
    if (imageFormat)
        renderReportImages(input, *imageFormat, err);

    const Report::ReportFilesResult result = Report::writeReportFiles(input, parser.value(outputOpt));
    if (!result.ok()) {
        err << result.error << Qt::endl;
        return ExitError;
    }
    for (const QString& path : result.written)
        out << path << '\n';
    out.flush();
    return ExitOk;
}

} // namespace Cli
