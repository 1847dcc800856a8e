// SPDX-License-Identifier: GPL-3.0-or-later
#include "commands.h"

#include "analysis/layeranalysis.h"
#include "memory/memoryanalysis.h"
#include "layout/graphlayout.h"
#include "report/analysisreport.h"
#include "report/layoutjson.h"
#include "report/memoryreportjson.h"
#include "tflite/tfliteloader.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <memory>
#include <optional>

namespace Cli {

namespace {

/** Writes `data` to `path` atomically, or to `out` when no path is given. */
bool writeOutput(const QByteArray& data, const QString& path, QTextStream& out, QTextStream& err)
{
    if (path.isEmpty()) {
        out << QString::fromUtf8(data);
        out.flush();
        return true;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit()) {
        err << path << ": cannot write: " << file.errorString() << Qt::endl;
        return false;
    }
    return true;
}

/** 2656768 -> "2 656 768": thin groups read well in any locale and never look like a decimal point. */
/** What every command shares: a name, one model argument, --json, -o FILE and --help, and the same error
 *  reporting (one line naming the file and the reason, exit code 2). */
class CommandLine
{
public:
    CommandLine(const QString& name, const QString& description)
        : m_name(name)
        , json(QStringLiteral("json"), QStringLiteral("Write JSON."))
        , output({ QStringLiteral("o"), QStringLiteral("output") },
              QStringLiteral("Write to <file> instead of standard output."), QStringLiteral("file"))
    {
        parser.setApplicationDescription(description);
        parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("The .tflite file."));
        parser.addOptions({ json, output });
    }

    /** Parses `arguments`. Returns an exit code when the command is done already (help shown or bad usage). */
    std::optional<int> parse(const QStringList& arguments, QTextStream& out, QTextStream& err)
    {
        const QCommandLineOption help = parser.addHelpOption();
        if (!parser.parse(arguments))
            return fail(err, parser.errorText());
        if (parser.isSet(help)) {
            out << parser.helpText();
            return ExitOk;
        }
        if (parser.positionalArguments().size() != 1)
            return fail(err, QStringLiteral("expected exactly one model file (see --help)"));
        return std::nullopt;
    }

    int fail(QTextStream& err, const QString& message) const
    {
        err << "tinyscope-cli " << m_name << ": " << message << Qt::endl;
        return ExitError;
    }

    QString modelPath() const { return parser.positionalArguments().value(0); }

    /** Loads the model; on failure prints the loader's message and returns nullopt. */
    std::optional<Profiler::Model> loadModel(QTextStream& err) const
    {
        auto loaded = Profiler::loadTfliteFile(modelPath());
        if (!loaded.ok()) {
            err << loaded.error().userMessage << Qt::endl;
            return std::nullopt;
        }
        return std::move(loaded).value();
    }

    /** Adds --subgraph N (default 0). */
    void addSubgraphOption(const QString& verb)
    {
        m_subgraph = std::make_unique<QCommandLineOption>(QStringLiteral("subgraph"),
            QStringLiteral("%1 subgraph <n> (default 0, the main graph).").arg(verb), QStringLiteral("n"),
            QStringLiteral("0"));
        parser.addOption(*m_subgraph);
    }

    /** The --subgraph value checked against `model`; -1 (after printing why) when it is not a subgraph of it. */
    int subgraph(const Profiler::Model& model, QTextStream& err) const
    {
        const QString text = m_subgraph ? parser.value(*m_subgraph) : QStringLiteral("0");
        bool ok = false;
        const int index = text.toInt(&ok);
        if (!ok || index < 0) {
            fail(err, QStringLiteral("--subgraph takes a number >= 0, not \"%1\"").arg(text));
            return -1;
        }
        if (static_cast<std::size_t>(index) >= model.subgraphs.size()) {
            err << modelPath() << ": there is no subgraph " << index << " (the model has " << model.subgraphs.size()
                << ")" << Qt::endl;
            return -1;
        }
        return index;
    }

    int write(const QByteArray& data, QTextStream& out, QTextStream& err) const
    {
        return writeOutput(data, parser.value(output), out, err) ? ExitOk : ExitError;
    }

    QCommandLineParser parser;

private:
    QString m_name;
    std::unique_ptr<QCommandLineOption> m_subgraph;

public:
    const QCommandLineOption json;
    const QCommandLineOption output;
};

QString grouped(std::int64_t v)
{
    QString digits = QString::number(v < 0 ? -v : v);
    for (auto i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(' '));
    return v < 0 ? QLatin1Char('-') + digits : digits;
}

QString pad(const QString& s, int width, bool right = false)
{
    return right ? s.rightJustified(width, QLatin1Char(' ')) : s.leftJustified(width, QLatin1Char(' '));
}

QByteArray textReport(const Profiler::Model& model, const Profiler::ModelAnalysis& analysis)
{
    using namespace Profiler;
    const ModelSummary& s = analysis.summary;
    const Subgraph& sg = model.subgraphs[static_cast<std::size_t>(s.subgraph)];
    QString t;
    QTextStream o(&t);
    o << QFileInfo(model.filePath).fileName() << " (" << model.format << ", " << grouped(model.fileSize) << " bytes)\n";
    if (!model.description.isEmpty())
        o << "  producer: " << model.description << '\n';
    o << "  subgraph " << s.subgraph;
    if (!sg.name.isEmpty())
        o << " \"" << sg.name << '"';
    o << " of " << s.subgraphs << ": " << s.operators << " operators, " << s.tensors << " tensors\n";
    o << "  params " << grouped(s.params) << ", MACs " << grouped(s.macs) << ", weights " << grouped(s.weightBytes)
      << " bytes, largest activation " << grouped(s.largestActivationBytes) << " bytes\n";
    if (s.unsupportedOperators > 0)
        o << "  " << s.unsupportedOperators << " operator(s) not supported by TFLM reference kernels\n";
    for (const QString& w : model.warnings)
        o << "  warning: " << w << '\n';
    o << '\n';
    o << pad(QStringLiteral("#"), 5) << pad(QStringLiteral("type"), 26) << pad(QStringLiteral("output"), 18)
      << pad(QStringLiteral("params"), 12, true) << pad(QStringLiteral("MACs"), 16, true)
      << pad(QStringLiteral("out bytes"), 12, true) << "  "
      << "TFLM  name\n";
    for (const LayerInfo& layer : analysis.layers) {
        const Operator& op = sg.operators[static_cast<std::size_t>(layer.index)];
        const QString support = layer.support.status == SupportStatus::Supported
            ? QStringLiteral("yes ")
            : (layer.support.status == SupportStatus::Unsupported ? QStringLiteral("NO  ") : QStringLiteral("?   "));
        o << pad(QString::number(layer.index), 5) << pad(layer.type, 26)
          << pad(tensorShapes(sg, op.outputs).join(QLatin1Char(' ')), 18) << pad(grouped(layer.params), 12, true)
          << pad(grouped(layer.macs), 16, true) << pad(grouped(layer.outputBytes), 12, true) << "  " << support << "  "
          << layer.name << '\n';
    }
    o.flush();
    return t.toUtf8();
}

QString kib(std::int64_t bytes)
{
    return QStringLiteral("%1 bytes (%2 KiB)").arg(grouped(bytes)).arg(static_cast<double>(bytes) / 1024.0, 0, 'f', 1);
}

QByteArray memoryText(const Profiler::Model& model, const Profiler::MemoryReport& r)
{
    using namespace Profiler;
    QString t;
    QTextStream o(&t);
    o << QFileInfo(model.filePath).fileName() << ": tensor arena (TFLM reference kernels, " << r.problem.alignment
      << "-byte alignment)\n";
    o << "  TFLM plan (head)        " << kib(r.tflm.arenaBytes) << '\n';
    o << "  lower bound             " << kib(r.lowerBound) << '\n';
    o << "  best plan               " << kib(r.best.arenaBytes)
      << (r.best.provenOptimal ? QStringLiteral(", optimal") : QString()) << '\n';
    o << "  reordered operators     " << kib(r.reorderedBest.arenaBytes) << " (TFLM would plan "
      << grouped(r.reorderedTflm.arenaBytes) << "; saves " << grouped(r.best.arenaBytes - r.reorderedBest.arenaBytes)
      << " bytes over the best plan)\n";
    o << "  persistent (estimate)   " << kib(r.persistent.totalBytes) << '\n';
    o << "  total arena (estimate)  " << kib(r.tflm.arenaBytes + r.persistent.totalBytes) << '\n';
    if (r.timeline.peakStep >= 0) {
        const MemoryStep& step = r.problem.steps[static_cast<std::size_t>(r.timeline.peakStep)];
        o << "  peak " << grouped(r.timeline.peakBytes) << " bytes live at step " << r.timeline.peakStep;
        if (step.op >= 0)
            o << " (operator " << step.op << ", "
              << model.subgraphs[static_cast<std::size_t>(step.subgraph)]
                     .operators[static_cast<std::size_t>(step.op)]
                     .type
              << ")";
        o << ":\n";
        for (int b : r.timeline.peakBuffers)
            o << "    " << pad(grouped(r.problem.buffers[static_cast<std::size_t>(b)].size), 12, true) << "  "
              << memoryBufferLabel(model, r.problem.buffers[static_cast<std::size_t>(b)]) << '\n';
    }
    for (const QString& w : r.problem.warnings)
        o << "  warning: " << w << '\n';
    o.flush();
    return t.toUtf8();
}

} // namespace

int runMemory(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    CommandLine cmd(QStringLiteral("memory"),
        QStringLiteral("Tensor arena plans: TFLM's, the lower bound, the best plan, and a better operator order."));
    if (const auto done = cmd.parse(arguments, out, err))
        return *done;
    const auto model = cmd.loadModel(err);
    if (!model)
        return ExitError;
    const Profiler::MemoryReport report = Profiler::analyzeMemory(*model);
    return cmd.write(cmd.parser.isSet(cmd.json)
            ? QJsonDocument(Profiler::memoryToJson(*model, report)).toJson(QJsonDocument::Indented)
            : memoryText(*model, report),
        out, err);
}

int runLayout(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    CommandLine cmd(QStringLiteral("layout"),
        QStringLiteral("The layered graph layout TinyScope draws: node boxes, edge routes and the time it took."));
    cmd.addSubgraphOption(QStringLiteral("Lay out"));
    if (const auto done = cmd.parse(arguments, out, err))
        return *done;
    const auto model = cmd.loadModel(err);
    if (!model)
        return ExitError;
    const int subgraph = cmd.subgraph(*model, err);
    if (subgraph < 0)
        return ExitError;
    const Profiler::ModelGraph graph = Profiler::layoutModelGraph(*model, subgraph);
    if (cmd.parser.isSet(cmd.json))
        return cmd.write(QJsonDocument(Profiler::layoutToJson(*model, graph)).toJson(QJsonDocument::Indented), out, err);
    const Profiler::GraphLayout& l = graph.layout;
    const QString text = QStringLiteral("%1, subgraph %2: %3 nodes, %4 edges, %5 ranks, %6 crossings, %7 x %8 px, laid "
                                        "out in %9 ms\n")
                             .arg(QFileInfo(model->filePath).fileName())
                             .arg(subgraph)
                             .arg(graph.nodes.size())
                             .arg(graph.edges.size())
                             .arg(l.rankCount)
                             .arg(l.crossings)
                             .arg(l.bounds.width(), 0, 'f', 0)
                             .arg(l.bounds.height(), 0, 'f', 0)
                             .arg(l.milliseconds, 0, 'f', 2);
    return cmd.write(text.toUtf8(), out, err);
}

int runAnalyze(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    CommandLine cmd(
        QStringLiteral("analyze"), QStringLiteral("Per-layer parameters, MACs, bytes and TFLM support of a model."));
    const QCommandLineOption csvOpt(QStringLiteral("csv"), QStringLiteral("Write CSV, one row per operator."));
    cmd.parser.addOption(csvOpt);
    cmd.addSubgraphOption(QStringLiteral("Analyse"));
    if (const auto done = cmd.parse(arguments, out, err))
        return *done;
    if (cmd.parser.isSet(cmd.json) && cmd.parser.isSet(csvOpt))
        return cmd.fail(err, QStringLiteral("--json and --csv exclude each other"));
    const auto model = cmd.loadModel(err);
    if (!model)
        return ExitError;
    const int subgraph = cmd.subgraph(*model, err);
    if (subgraph < 0)
        return ExitError;
    const Profiler::ModelAnalysis analysis = Profiler::analyzeModel(*model, subgraph);
    QByteArray data;
    if (cmd.parser.isSet(cmd.json))
        data = QJsonDocument(Profiler::analysisToJson(*model, analysis)).toJson(QJsonDocument::Indented);
    else if (cmd.parser.isSet(csvOpt))
        data = Profiler::analysisToCsv(*model, analysis);
    else
        data = textReport(*model, analysis);
    return cmd.write(data, out, err);
}

} // namespace Cli

// ---- firmware-workload (issue 5): the per-layer workload header of the example firmware in devices/stub/examples

#include "protocol/modelid.h"

#include <QFile>

#include <limits>

namespace Cli {

namespace {

/** Without --scale, the scale is chosen so that one run of the model takes at most this many loop iterations: a
 *  few million instructions, a few milliseconds of emulated time under QEMU -icount shift=0. */
constexpr std::int64_t kWorkloadIterationBudget = 200'000;

/** `text` as a C string literal; anything but printable ASCII as a three-digit octal escape. */
QString cStringLiteral(const QString& text)
{
    QString s = QStringLiteral("\"");
    for (const char c : text.toUtf8()) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\' || u < 0x20 || u > 0x7E)
            s += QStringLiteral("\\%1").arg(u, 3, 8, QLatin1Char('0'));
        else
            s += QLatin1Char(c);
    }
    return s + QLatin1Char('"');
}

} // namespace

int runFirmwareWorkload(const QStringList& arguments, QTextStream& out, QTextStream& err)
{
    CommandLine cmd(QStringLiteral("firmware-workload"),
        QStringLiteral("A C header for the example firmware (devices/stub/examples): the model id, and per layer of "
                       "subgraph 0 the op code, the MACs and the iterations of a multiply-accumulate loop."));
    const QCommandLineOption scaleOpt(QStringLiteral("scale"),
        QStringLiteral("MACs per loop iteration (default: the smallest that keeps a run within %1 iterations).")
            .arg(kWorkloadIterationBudget),
        QStringLiteral("n"));
    cmd.parser.addOption(scaleOpt);
    if (const auto done = cmd.parse(arguments, out, err))
        return *done;
    if (cmd.parser.isSet(cmd.json))
        return cmd.fail(err, QStringLiteral("--json is not available: the output is a C header"));
    std::int64_t scale = 0;
    if (cmd.parser.isSet(scaleOpt)) {
        bool ok = false;
        scale = cmd.parser.value(scaleOpt).toLongLong(&ok);
        if (!ok || scale < 1)
            return cmd.fail(
                err, QStringLiteral("--scale takes a number >= 1, not \"%1\"").arg(cmd.parser.value(scaleOpt)));
    }
    const auto model = cmd.loadModel(err);
    if (!model)
        return ExitError;
    const QString path = cmd.modelPath();
    if (model->subgraphs.empty() || model->subgraphs.front().operators.empty()) {
        err << path << ": subgraph 0 has no operators, so there is no workload to generate" << Qt::endl;
        return ExitError;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        err << path << ": cannot read: " << file.errorString() << Qt::endl;
        return ExitError;
    }
    const quint32 modelId = Devices::modelIdForFile(file.readAll());

    const Profiler::Subgraph& sg = model->subgraphs.front();
    const Profiler::ModelAnalysis analysis = Profiler::analyzeModel(*model, 0);
    if (analysis.layers.size() > 0xFFFEu) {
        err << path << ": " << analysis.layers.size() << " operators: the wire protocol numbers at most 65534 layers"
            << Qt::endl;
        return ExitError;
    }
    // Work of a layer: its MACs; for layers without MACs (pooling, softmax, reshape...) the bytes they write.
    std::vector<std::int64_t> work;
    std::int64_t totalWork = 0;
    for (const Profiler::LayerInfo& layer : analysis.layers) {
        work.push_back(layer.macs > 0 ? layer.macs : layer.outputBytes);
        totalWork += work.back();
    }
    if (scale == 0)
        scale = std::max<std::int64_t>(1, (totalWork + kWorkloadIterationBudget - 1) / kWorkloadIterationBudget);

    QString t;
    QTextStream o(&t);
    const QString fileName = QFileInfo(path).fileName();
    o << "/* SPDX-License-Identifier: GPL-3.0-or-later */\n"
      << "/* Generated by tinyscope-cli firmware-workload from " << fileName << ": do not edit.\n"
      << " * One entry per operator of subgraph 0, in execution order: TFLite BuiltinOperator code (0xFFFF and a tag "
         "for\n"
      << " * custom operators), MACs, and iterations of the firmware's multiply-accumulate loop = max(1, round(work / "
         "scale)),\n"
      << " * where work = MACs, or the output bytes for layers without MACs. */\n"
      << "#ifndef TS_WORKLOAD_LAYERS_H\n#define TS_WORKLOAD_LAYERS_H\n\n#include <stdint.h>\n\n"
      << "#define TS_WORKLOAD_MODEL_FILE " << cStringLiteral(fileName) << '\n'
      << "#define TS_WORKLOAD_MODEL_ID 0x" << QStringLiteral("%1").arg(modelId, 8, 16, QLatin1Char('0'))
      << "u /* first 4 bytes of the file's SHA-256, little-endian */\n"
      << "#define TS_WORKLOAD_SCALE " << scale << "u /* work per loop iteration */\n"
      << "#define TS_WORKLOAD_LAYER_COUNT " << analysis.layers.size() << "u\n\n"
      << "typedef struct ts_workload_layer {\n"
      << "    uint16_t op_code;\n    unsigned long long macs;\n    uint32_t iterations;\n    const char* tag;\n"
      << "} ts_workload_layer;\n\n"
      << "static const ts_workload_layer ts_workload_layers[TS_WORKLOAD_LAYER_COUNT] = {\n";
    std::int64_t totalIterations = 0;
    for (std::size_t i = 0; i < analysis.layers.size(); ++i) {
        const Profiler::LayerInfo& layer = analysis.layers[i];
        const Profiler::Operator& op = sg.operators[static_cast<std::size_t>(layer.index)];
        const bool known = !op.isCustom && op.builtinCode >= 0 && op.builtinCode < 0xFFFF;
        const std::int64_t iterations = std::max<std::int64_t>(1, (work[i] + scale / 2) / scale);
        if (iterations > std::numeric_limits<quint32>::max()) {
            err << path << ": layer " << i << " needs " << iterations
                << " loop iterations, more than 32 bits hold: use a larger --scale" << Qt::endl;
            return ExitError;
        }
        totalIterations += iterations;
        o << "    { " << (known ? op.builtinCode : 0xFFFF) << "u, " << layer.macs << "ull, " << iterations << "u, "
          << (known ? QStringLiteral("0") : cStringLiteral(op.type)) << " }, /* " << i << ' '
          << QString(layer.type).replace(QLatin1String("*/"), QLatin1String("* /")) << " */\n";
    }
    o << "};\n\n#define TS_WORKLOAD_TOTAL_ITERATIONS " << totalIterations << "u\n\n#endif /* TS_WORKLOAD_LAYERS_H */\n";
    o.flush();
    return cmd.write(t.toUtf8(), out, err);
}

} // namespace Cli
