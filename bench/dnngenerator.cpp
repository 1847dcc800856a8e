// SPDX-License-Identifier: GPL-3.0-or-later
#include "dnngenerator.h"

#include "tflite/tflitebuilder.h"
#include "tflite/tfliteloader.h"

#include <QRandomGenerator>
#include <QString>

#include <algorithm>
#include <map>
#include <vector>

namespace Bench {

namespace {

using Profiler::DataType;
using Profiler::TfliteBuilder;
using Shape = std::vector<std::int32_t>;

class DnnWriter
{
public:
    DnnWriter(int operators, quint32 seed)
        : m_budget(std::max(4, operators))
        , m_rng(seed)
    {
        m_b.setDescription(
            QStringLiteral("TinyScope benchmark: generated DNN, %1 operators, seed %2").arg(m_budget).arg(seed));
        m_b.setSubgraphName(QStringLiteral("main"));
    }

    QByteArray build()
    {
        const int input = activation(QStringLiteral("input"), { 1, 64, 64, 3 });
        m_b.setInputs({ input });
        m_current = input;
        TfliteBuilder::Conv2DOptions stem;
        stem.strideW = stem.strideH = 2;
        stem.activation = TfliteBuilder::Activation::Relu;
        m_current = conv(m_current, 16, 3, stem);

        constexpr int headOps = 3; // pool, fully connected, softmax
        while (remaining() > headOps) {
            const int free = remaining() - headOps;
            const int pick = bounded(100);
            if (free >= 8 && pick < 12)
                inception();
            else if (free >= 4 && pick < 32)
                invertedResidual();
            else if (free >= 3 && pick < 57)
                residual();
            else if (free >= 2 && pick < 65)
                denseConcat();
            else if (pick < 70 && height() > 4)
                downsample();
            else if (free >= 3 && pick < 75 && m_taps.count(height() * 2))
                upsample();
            else
                chainStep();
            remember();
        }
        head();
        return m_b.finish();
    }

private:
    int remaining() const { return m_budget - m_b.operatorCount(); }
    int bounded(int n) { return static_cast<int>(m_rng.bounded(static_cast<quint32>(n))); }
    const Shape& shapeOf(int t) const { return m_shapes.at(static_cast<std::size_t>(t)); }
    int height() const { return shapeOf(m_current)[1]; }
    int channels() const { return shapeOf(m_current)[3]; }
    QString name(const char* what) { return QStringLiteral("%1_%2").arg(QLatin1String(what)).arg(m_b.tensorCount()); }

    int activation(const QString& tensorName, Shape shape)
    {
        const int t = m_b.addTensor(tensorName, DataType::Int8, shape);
        m_b.setQuantization(t, TfliteBuilder::perTensor(0.05f + 0.001f * static_cast<float>(bounded(50)), -128));
        if (m_shapes.size() <= static_cast<std::size_t>(t))
            m_shapes.resize(static_cast<std::size_t>(t) + 1);
        m_shapes[static_cast<std::size_t>(t)] = std::move(shape);
        return t;
    }

    /** A constant whose bytes are shared with every other constant of the same type and shape. */
    int constant(const QString& tensorName, DataType type, const Shape& shape)
    {
        const auto key = std::make_pair(static_cast<int>(type), shape);
        const auto it = m_firstOfShape.find(key);
        if (it != m_firstOfShape.end())
            return m_b.addConstantSharingBuffer(tensorName, type, shape, it->second);
        qsizetype bytes = type == DataType::Int32 ? 4 : 1;
        for (std::int32_t d : shape)
            bytes *= d;
        QByteArray data(bytes, Qt::Uninitialized);
        for (qsizetype i = 0; i < data.size(); ++i)
            data[i] = static_cast<char>(bounded(255) - 127);
        const int t = m_b.addConstant(tensorName, type, shape, data);
        m_firstOfShape.emplace(key, t);
        return t;
    }

    static int outSize(int size, int stride) { return (size + stride - 1) / stride; }

    int conv(int in, int outChannels, int kernel, const TfliteBuilder::Conv2DOptions& options = {})
    {
        const Shape& s = shapeOf(in);
        const int w = constant(name("conv_w"), DataType::Int8, { outChannels, kernel, kernel, s[3] });
        const int b = constant(name("conv_b"), DataType::Int32, { outChannels });
        const int out = activation(
            name("conv"), { 1, outSize(s[1], options.strideH), outSize(s[2], options.strideW), outChannels });
        m_b.addConv2D({ in, w, b }, { out }, options);
        return out;
    }

    int depthwise(int in, int stride)
    {
        const Shape& s = shapeOf(in);
        const int w = constant(name("dw_w"), DataType::Int8, { 1, 3, 3, s[3] });
        const int b = constant(name("dw_b"), DataType::Int32, { s[3] });
        TfliteBuilder::DepthwiseConv2DOptions options;
        options.strideW = options.strideH = stride;
        options.activation = TfliteBuilder::Activation::Relu6;
        const int out = activation(name("dw"), { 1, outSize(s[1], stride), outSize(s[2], stride), s[3] });
        m_b.addDepthwiseConv2D({ in, w, b }, { out }, options);
        return out;
    }

    int add(int a, int b)
    {
        const int out = activation(name("add"), shapeOf(a));
        m_b.addAdd({ a, b }, { out });
        return out;
    }

    TfliteBuilder::Conv2DOptions relu() const
    {
        TfliteBuilder::Conv2DOptions o;
        o.activation = TfliteBuilder::Activation::Relu;
        return o;
    }

    void chainStep()
    {
        if (bounded(2) == 0)
            m_current = depthwise(m_current, 1);
        else
            m_current = conv(m_current, channels(), bounded(2) ? 3 : 1, relu());
    }

    void downsample()
    {
        m_taps[height()] = m_current;
        m_stage.clear();
        TfliteBuilder::Conv2DOptions o = relu();
        o.strideW = o.strideH = 2;
        m_current = conv(m_current, std::min(128, channels() * 2), 3, o);
    }

    /** FPN-style: back to twice the size, plus a 1x1 projection of the feature map last seen at that size. */
    void upsample()
    {
        const int tap = m_taps.at(height() * 2);
        m_taps.erase(height() * 2);
        Shape s = shapeOf(m_current);
        s[1] *= 2;
        s[2] *= 2;
        const int size = constant(name("size"), DataType::Int32, { 2 });
        const int up = activation(name("resize"), s);
        m_b.addBuiltin(m_resizeCode, { m_current, size }, { up });
        const int lateral = conv(tap, s[3], 1);
        m_stage.clear();
        m_current = add(up, lateral);
    }

    /** DenseNet-style: concatenates the current map with one of the same size from a few blocks back. */
    void denseConcat()
    {
        const int other = m_stage.empty()
            ? m_current
            : m_stage[static_cast<std::size_t>(bounded(static_cast<int>(m_stage.size())))];
        Shape s = shapeOf(m_current);
        const int channels = s[3];
        s[3] += shapeOf(other)[3];
        const int joined = activation(name("concat"), s);
        m_b.addConcatenation({ m_current, other }, { joined }, 3);
        m_current = conv(joined, channels, 1, relu());
    }

    void residual()
    {
        const int x = m_current;
        const int a = conv(x, channels(), 3, relu());
        const int b = conv(a, channels(), 3);
        m_current = add(x, b);
    }

    void invertedResidual()
    {
        const int x = m_current;
        const int expanded = conv(x, std::min(256, channels() * 4), 1, relu());
        const int dw = depthwise(expanded, 1);
        const int projected = conv(dw, channels(), 1);
        m_current = add(x, projected);
    }

    void inception()
    {
        const int x = m_current;
        const int c = std::max(4, channels() / 4);
        const int b1 = conv(x, c, 1, relu());
        const int b2 = conv(conv(x, c, 1, relu()), c, 3, relu());
        const int b3 = conv(conv(x, c, 1, relu()), c, 5, relu());
        TfliteBuilder::Pool2DOptions pool;
        pool.padding = TfliteBuilder::Padding::Same;
        pool.filterW = pool.filterH = 3;
        const int pooled = activation(name("pool"), shapeOf(x));
        m_b.addMaxPool2D({ x }, { pooled }, pool);
        const int b4 = conv(pooled, c, 1, relu());
        Shape s = shapeOf(x);
        s[3] = 4 * c;
        const int out = activation(name("concat"), s);
        m_b.addConcatenation({ b1, b2, b3, b4 }, { out }, 3);
        m_current = out;
    }

    void remember()
    {
        m_stage.push_back(m_current);
        if (m_stage.size() > 6)
            m_stage.erase(m_stage.begin());
    }

    void head()
    {
        const Shape s = shapeOf(m_current);
        TfliteBuilder::Pool2DOptions pool;
        pool.filterH = s[1];
        pool.filterW = s[2];
        pool.strideH = s[1];
        pool.strideW = s[2];
        const int pooled = activation(name("avg_pool"), { 1, 1, 1, s[3] });
        m_b.addAveragePool2D({ m_current }, { pooled }, pool);
        const int w = constant(name("fc_w"), DataType::Int8, { 10, s[3] });
        const int b = constant(name("fc_b"), DataType::Int32, { 10 });
        const int logits = activation(name("logits"), { 1, 10 });
        m_b.addFullyConnected({ pooled, w, b }, { logits });
        const int probabilities = activation(QStringLiteral("probabilities"), { 1, 10 });
        m_b.setQuantization(probabilities, TfliteBuilder::perTensor(1.0f / 256, -128));
        m_b.addSoftmax({ logits }, { probabilities });
        m_b.setOutputs({ probabilities });
    }

    TfliteBuilder m_b;
    int m_budget;
    QRandomGenerator m_rng;
    int m_current = -1;
    int m_resizeCode = Profiler::builtinOperatorCode(QStringLiteral("RESIZE_NEAREST_NEIGHBOR"));
    std::map<int, int> m_taps; ///< height -> last feature map of that height before a downsampling
    std::vector<int> m_stage; ///< recent block outputs of the current size
    std::vector<Shape> m_shapes;
    std::map<std::pair<int, Shape>, int> m_firstOfShape;
};

} // namespace

QByteArray generateDnnModel(int operators, quint32 seed)
{
    return DnnWriter(operators, seed).build();
}

} // namespace Bench
