// SPDX-License-Identifier: GPL-3.0-or-later
#include "analysisreport.h"

#include <QFileInfo>
#include <QJsonArray>

namespace Profiler {

namespace {

QJsonArray toJsonArray(const QStringList& list)
{
    QJsonArray a;
    for (const QString& s : list)
        a.append(s);
    return a;
}

QJsonArray toJsonArray(const std::vector<int>& list)
{
    QJsonArray a;
    for (int v : list)
        a.append(v);
    return a;
}

QJsonArray shapeArray(const Subgraph& sg, const std::vector<int>& indices)
{
    QJsonArray shapes;
    for (int idx : indices) {
        const Tensor* t = sg.tensorAt(idx);
        if (!t) {
            shapes.append(QJsonValue());
            continue;
        }
        QJsonArray dims;
        for (std::size_t d = 0; d < t->shape.size(); ++d) {
            const bool dynamic = d < t->shapeSignature.size() && t->shapeSignature[d] < 0;
            dims.append(dynamic ? -1 : t->shape[d]);
        }
        shapes.append(dims);
    }
    return shapes;
}

QJsonValue number(std::int64_t v)
{
    // JSON numbers are doubles: exact up to 2^53, far beyond any count a model can have.
    return QJsonValue(static_cast<qint64>(v));
}

} // namespace

QStringList tensorShapes(const Subgraph& subgraph, const std::vector<int>& indices)
{
    QStringList out;
    for (int idx : indices) {
        const Tensor* t = subgraph.tensorAt(idx);
        out << (t ? shapeToString(*t) : QStringLiteral("-"));
    }
    return out;
}

QStringList tensorTypes(const Subgraph& subgraph, const std::vector<int>& indices)
{
    QStringList out;
    for (int idx : indices) {
        const Tensor* t = subgraph.tensorAt(idx);
        out << (t ? dataTypeName(t->type) : QStringLiteral("-"));
    }
    return out;
}

QJsonObject analysisToJson(const Model& model, const ModelAnalysis& analysis)
{
    const ModelSummary& s = analysis.summary;
    QJsonObject root;

    QJsonObject m;
    m[QStringLiteral("file")] = QFileInfo(model.filePath).fileName();
    m[QStringLiteral("format")] = model.format;
    m[QStringLiteral("format_version")] = static_cast<qint64>(model.formatVersion);
    m[QStringLiteral("description")] = model.description;
    m[QStringLiteral("file_bytes")] = number(model.fileSize);
    QJsonArray subgraphs;
    for (std::size_t i = 0; i < model.subgraphs.size(); ++i) {
        const Subgraph& sg = model.subgraphs[i];
        QJsonObject o;
        o[QStringLiteral("index")] = static_cast<int>(i);
        o[QStringLiteral("name")] = sg.name;
        o[QStringLiteral("operators")] = static_cast<qint64>(sg.operators.size());
        o[QStringLiteral("tensors")] = static_cast<qint64>(sg.tensors.size());
        o[QStringLiteral("inputs")] = toJsonArray(sg.inputs);
        o[QStringLiteral("outputs")] = toJsonArray(sg.outputs);
        subgraphs.append(o);
    }
    m[QStringLiteral("subgraphs")] = subgraphs;
    QJsonArray signatures;
    for (const SignatureDef& sig : model.signatures) {
        QJsonObject o;
        o[QStringLiteral("key")] = sig.key;
        o[QStringLiteral("subgraph")] = sig.subgraph;
        auto names = [](const std::vector<SignatureTensor>& v) {
            QJsonArray a;
            for (const auto& st : v)
                a.append(QJsonObject { { QStringLiteral("name"), st.name }, { QStringLiteral("tensor"), st.tensor } });
            return a;
        };
        o[QStringLiteral("inputs")] = names(sig.inputs);
        o[QStringLiteral("outputs")] = names(sig.outputs);
        signatures.append(o);
    }
    m[QStringLiteral("signatures")] = signatures;
    QJsonArray metadata;
    for (const Metadata& md : model.metadata)
        metadata.append(md.name);
    m[QStringLiteral("metadata")] = metadata;
    m[QStringLiteral("has_offline_memory_plan")] = model.offlinePlan.has_value();
    m[QStringLiteral("warnings")] = toJsonArray(model.warnings);
    root[QStringLiteral("model")] = m;

    QJsonObject summary;
    summary[QStringLiteral("subgraph")] = s.subgraph;
    summary[QStringLiteral("operators")] = number(s.operators);
    summary[QStringLiteral("tensors")] = number(s.tensors);
    summary[QStringLiteral("subgraphs")] = number(s.subgraphs);
    summary[QStringLiteral("params")] = number(s.params);
    summary[QStringLiteral("macs")] = number(s.macs);
    summary[QStringLiteral("weight_bytes")] = number(s.weightBytes);
    summary[QStringLiteral("largest_activation_bytes")] = number(s.largestActivationBytes);
    if (s.largestActivationTensor >= 0 && static_cast<std::size_t>(s.subgraph) < model.subgraphs.size()) {
        const Tensor& t = model.subgraphs[static_cast<std::size_t>(s.subgraph)]
                              .tensors[static_cast<std::size_t>(s.largestActivationTensor)];
        summary[QStringLiteral("largest_activation_tensor")] = t.displayName(s.largestActivationTensor);
    }
    summary[QStringLiteral("unsupported_operators")] = number(s.unsupportedOperators);
    root[QStringLiteral("summary")] = summary;

    QJsonArray ops;
    if (static_cast<std::size_t>(s.subgraph) < model.subgraphs.size()) {
        const Subgraph& sg = model.subgraphs[static_cast<std::size_t>(s.subgraph)];
        for (const LayerInfo& layer : analysis.layers) {
            const Operator& op = sg.operators[static_cast<std::size_t>(layer.index)];
            QJsonObject o;
            o[QStringLiteral("index")] = layer.index;
            o[QStringLiteral("name")] = layer.name;
            o[QStringLiteral("type")] = layer.type;
            o[QStringLiteral("custom")] = op.isCustom;
            o[QStringLiteral("category")] = opCategoryName(layer.category);
            o[QStringLiteral("inputs")] = toJsonArray(op.inputs);
            o[QStringLiteral("outputs")] = toJsonArray(op.outputs);
            o[QStringLiteral("input_shapes")] = shapeArray(sg, op.inputs);
            o[QStringLiteral("output_shapes")] = shapeArray(sg, op.outputs);
            o[QStringLiteral("input_dtypes")] = toJsonArray(tensorTypes(sg, op.inputs));
            o[QStringLiteral("output_dtypes")] = toJsonArray(tensorTypes(sg, op.outputs));
            o[QStringLiteral("params")] = number(layer.params);
            o[QStringLiteral("weight_bytes")] = number(layer.weightBytes);
            o[QStringLiteral("macs")] = number(layer.macs);
            o[QStringLiteral("output_bytes")] = number(layer.outputBytes);
            o[QStringLiteral("supported")] = layer.support.status == SupportStatus::Supported;
            o[QStringLiteral("support")] = supportStatusName(layer.support.status);
            if (!layer.support.reason.isEmpty())
                o[QStringLiteral("support_reason")] = layer.support.reason;
            QJsonObject options;
            for (const OperatorOption& opt : op.options)
                options[opt.key] = QJsonValue::fromVariant(opt.value);
            o[QStringLiteral("options")] = options;
            ops.append(o);
        }
    }
    root[QStringLiteral("operators")] = ops;
    return root;
}

QString csvField(const QString& value)
{
    if (!value.contains(QLatin1Char(',')) && !value.contains(QLatin1Char('"')) && !value.contains(QLatin1Char('\n'))
        && !value.contains(QLatin1Char('\r')))
        return value;
    QString quoted = value;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QByteArray analysisToCsv(const Model& model, const ModelAnalysis& analysis)
{
    QString out = QStringLiteral(
        "index,name,type,category,input_shapes,output_shapes,input_dtypes,output_dtypes,params,weight_bytes,macs,"
        "output_bytes,supported\r\n");
    const std::size_t sgIndex = static_cast<std::size_t>(analysis.summary.subgraph);
    if (sgIndex >= model.subgraphs.size())
        return out.toUtf8();
    const Subgraph& sg = model.subgraphs[sgIndex];
    for (const LayerInfo& layer : analysis.layers) {
        const Operator& op = sg.operators[static_cast<std::size_t>(layer.index)];
        const QStringList fields {
            QString::number(layer.index),
            csvField(layer.name),
            csvField(layer.type),
            opCategoryName(layer.category),
            csvField(tensorShapes(sg, op.inputs).join(QLatin1Char(' '))),
            csvField(tensorShapes(sg, op.outputs).join(QLatin1Char(' '))),
            csvField(tensorTypes(sg, op.inputs).join(QLatin1Char(' '))),
            csvField(tensorTypes(sg, op.outputs).join(QLatin1Char(' '))),
            QString::number(layer.params),
            QString::number(layer.weightBytes),
            QString::number(layer.macs),
            QString::number(layer.outputBytes),
            supportStatusName(layer.support.status),
        };
        out += fields.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    return out.toUtf8();
}

} // namespace Profiler
