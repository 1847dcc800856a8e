// SPDX-License-Identifier: GPL-3.0-or-later
// tinyscope-make-examples: writes the bundled example model at build time with TinyScope's own .tflite writer.
//
// The model has the shape of the DS-CNN keyword spotter of MLPerf Tiny (49x10 MFCC features in, 12 classes out)
// with random int8 weights. A fixed seed and our own generator make the file byte-identical on every build.

#include "tflite/tflitebuilder.h"

#include <QByteArray>
#include <QString>
#include <QtEndian>

#include <cstdint>
#include <cstdio>
#include <vector>

using Profiler::DataType;
using Profiler::TfliteBuilder;

namespace {

/** SplitMix64: tiny, fully specified, and the same on every platform (unlike std:: distributions). */
class Random
{
public:
    explicit Random(std::uint64_t seed)
        : m_state(seed)
    { }

    std::uint64_t next()
    {
        m_state += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    /** Uniform in [lo, hi]. The tiny modulo bias does not matter for random weights. */
    std::int32_t uniform(std::int32_t lo, std::int32_t hi)
    {
        const auto span = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi) - lo + 1);
        return static_cast<std::int32_t>(lo + static_cast<std::int64_t>(next() % span));
    }

    /** Uniform in [lo, hi) with 24 random bits, so the value is exact in a float. */
    float uniformFloat(float lo, float hi)
    {
        const float unit = static_cast<float>(next() >> 40) / 16777216.0f;
        return lo + (hi - lo) * unit;
    }

private:
    std::uint64_t m_state;
};

QByteArray int8Data(Random& rng, std::int64_t count)
{
    QByteArray bytes(static_cast<qsizetype>(count), Qt::Uninitialized);
    for (qsizetype i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<char>(rng.uniform(-127, 127)); // symmetric int8 weights never use -128
    return bytes;
}

QByteArray int32Data(const std::vector<std::int32_t>& values)
{
    QByteArray bytes(static_cast<qsizetype>(values.size() * sizeof(std::int32_t)), Qt::Uninitialized);
    for (std::size_t i = 0; i < values.size(); ++i)
        qToLittleEndian<std::int32_t>(values[i], bytes.data() + i * sizeof(std::int32_t));
    return bytes;
}

/** Builds the model layer by layer, keeping track of the current activation and its scale. */
class DsCnnWriter
{
public:
    DsCnnWriter()
        : m_rng(0x54696E7953636F70ULL) // "TinyScop"
    {
        m_b.setDescription(QStringLiteral("TinyScope example: DS-CNN keyword spotter (random weights)"));
        m_b.setSubgraphName(QStringLiteral("main"));
        // Like the MLIR converter: every activation has an empty buffer of its own, and these kernel versions.
        m_b.setEmptyBufferPerTensor(true);
        m_b.setOperatorVersion(3, 3); // CONV_2D, int8 per-channel
        m_b.setOperatorVersion(4, 3); // DEPTHWISE_CONV_2D, int8 per-channel
        m_b.setOperatorVersion(1, 2); // AVERAGE_POOL_2D, int8
        m_b.setOperatorVersion(9, 4); // FULLY_CONNECTED, int8
        m_b.setOperatorVersion(25, 2); // SOFTMAX, int8
    }

    void build()
    {
        // MFCC features span about -247 .. 30: scale 277 / 255, zero point -128 + 247 / scale.
        m_scale = 1.0859375f;
        m_zeroPoint = 99;
        m_current = activation(QStringLiteral("serving_default_input_1:0"), { 1, 49, 10, 1 });
        const int input = m_current;

        TfliteBuilder::Conv2DOptions conv1;
        conv1.strideW = 2;
        conv1.strideH = 2;
        conv1.activation = TfliteBuilder::Activation::Relu;
        conv(QStringLiteral("conv1"), 64, 10, 4, 1, conv1, { 1, 25, 5, 64 });

        for (int i = 1; i <= 4; ++i) {
            depthwise(QStringLiteral("dw_conv%1").arg(i), { 1, 25, 5, 64 });
            TfliteBuilder::Conv2DOptions pw;
            pw.activation = TfliteBuilder::Activation::Relu;
            conv(QStringLiteral("pw_conv%1").arg(i), 64, 1, 1, 64, pw, { 1, 25, 5, 64 });
        }

        // Average pooling and reshaping keep the input's quantization (TFLite requires it).
        TfliteBuilder::Pool2DOptions pool;
        pool.padding = TfliteBuilder::Padding::Valid;
        pool.filterW = 5;
        pool.filterH = 25;
        pool.strideW = 5;
        pool.strideH = 25;
        const int pooled = activation(QStringLiteral("ds_cnn/avg_pool/AvgPool"), { 1, 1, 1, 64 });
        m_b.addAveragePool2D({ m_current }, { pooled }, pool);
        m_current = pooled;

        const int shape
            = m_b.addConstant(QStringLiteral("ds_cnn/flatten/Const"), DataType::Int32, { 2 }, int32Data({ -1, 64 }));
        const int flat = activation(QStringLiteral("ds_cnn/flatten/Reshape"), { 1, 64 });
        m_b.addReshape({ m_current, shape }, { flat });
        m_current = flat;

        dense(QStringLiteral("fc"), 12, 0.1484375f, 10);

        // Softmax output: int8 probabilities with TFLite's fixed scale 1/256 and zero point -128.
        m_scale = 1.0f / 256.0f;
        m_zeroPoint = -128;
        const int probabilities = activation(QStringLiteral("StatefulPartitionedCall:0"), { 1, 12 });
        m_b.addSoftmax({ m_current }, { probabilities });

        m_b.setInputs({ input });
        m_b.setOutputs({ probabilities });

        Profiler::SignatureDef signature;
        signature.key = QStringLiteral("serving_default");
        signature.subgraph = 0;
        signature.inputs.push_back({ QStringLiteral("input_1"), input });
        signature.outputs.push_back({ QStringLiteral("softmax"), probabilities });
        m_b.addSignature(signature);

        QByteArray runtimeVersion("1.14.0");
        runtimeVersion.resize(16, '\0'); // converters pad the version string to 16 bytes
        m_b.addMetadata(QStringLiteral("min_runtime_version"), runtimeVersion);
    }

    const TfliteBuilder& builder() const { return m_b; }

private:
    /** An int8 activation with the current scale and zero point; batch dimension dynamic as in a Keras export. */
    int activation(const QString& name, std::vector<std::int32_t> shape)
    {
        const int t = m_b.addTensor(name, DataType::Int8, shape);
        shape[0] = -1;
        m_b.setShapeSignature(t, shape);
        m_b.setQuantization(t, TfliteBuilder::perTensor(m_scale, m_zeroPoint));
        return t;
    }

    /** Per-channel weight scales and int32 biases with scale input_scale * weight_scale (zero point 0). */
    std::vector<float> weightScales(int channels)
    {
        std::vector<float> scales;
        for (int c = 0; c < channels; ++c)
            scales.push_back(m_rng.uniformFloat(0.002f, 0.02f));
        return scales;
    }

    int bias(const QString& name, const std::vector<float>& weightScales)
    {
        std::vector<std::int32_t> values;
        std::vector<float> scales;
        for (float ws : weightScales) {
            values.push_back(m_rng.uniform(-4096, 4096));
            scales.push_back(m_scale * ws);
        }
        const int t
            = m_b.addConstant(name, DataType::Int32, { static_cast<std::int32_t>(values.size()) }, int32Data(values));
        m_b.setQuantization(t, TfliteBuilder::perChannel(scales, 0));
        return t;
    }

    /** After a fused ReLU the int8 range covers 0 .. 255 * scale: zero point -128. */
    void reluOutputQuantization()
    {
        m_scale = m_rng.uniformFloat(0.02f, 0.08f);
        m_zeroPoint = -128;
    }

    void conv(const QString& layer, int filters, int kh, int kw, int inChannels,
        const TfliteBuilder::Conv2DOptions& options, const std::vector<std::int32_t>& outShape)
    {
        const auto scales = weightScales(filters);
        const int weights = m_b.addConstant(layer + QStringLiteral("/weights"), DataType::Int8,
            { filters, kh, kw, inChannels }, int8Data(m_rng, std::int64_t(filters) * kh * kw * inChannels));
        m_b.setQuantization(weights, TfliteBuilder::perChannel(scales, 0));
        const int b = bias(layer + QStringLiteral("/bias"), scales);
        reluOutputQuantization();
        const int out = activation(QStringLiteral("ds_cnn/%1/Relu").arg(layer), outShape);
        m_b.addConv2D({ m_current, weights, b }, { out }, options);
        m_current = out;
    }

    void depthwise(const QString& layer, const std::vector<std::int32_t>& outShape)
    {
        const int channels = outShape[3];
        const auto scales = weightScales(channels);
        const int weights = m_b.addConstant(layer + QStringLiteral("/depthwise_weights"), DataType::Int8,
            { 1, 3, 3, channels }, int8Data(m_rng, 9 * channels));
        m_b.setQuantization(weights, TfliteBuilder::perChannel(scales, 3));
        const int b = bias(layer + QStringLiteral("/bias"), scales);
        reluOutputQuantization();
        const int out = activation(QStringLiteral("ds_cnn/%1/Relu").arg(layer), outShape);
        TfliteBuilder::DepthwiseConv2DOptions options;
        options.activation = TfliteBuilder::Activation::Relu;
        m_b.addDepthwiseConv2D({ m_current, weights, b }, { out }, options);
        m_current = out;
    }

    void dense(const QString& layer, int units, float outScale, std::int64_t outZeroPoint)
    {
        const float weightScale = m_rng.uniformFloat(0.002f, 0.02f);
        const int weights = m_b.addConstant(layer + QStringLiteral("/weights"), DataType::Int8, { units, 64 },
            int8Data(m_rng, std::int64_t(units) * 64));
        m_b.setQuantization(weights, TfliteBuilder::perTensor(weightScale, 0));
        std::vector<std::int32_t> values;
        for (int u = 0; u < units; ++u)
            values.push_back(m_rng.uniform(-4096, 4096));
        const int b = m_b.addConstant(layer + QStringLiteral("/bias"), DataType::Int32, { units }, int32Data(values));
        m_b.setQuantization(b, TfliteBuilder::perTensor(m_scale * weightScale, 0));
        m_scale = outScale;
        m_zeroPoint = outZeroPoint;
        const int out = activation(QStringLiteral("ds_cnn/%1/BiasAdd").arg(layer), { 1, units });
        m_b.addFullyConnected({ m_current, weights, b }, { out });
        m_current = out;
    }

    TfliteBuilder m_b;
    Random m_rng;
    int m_current = -1;
    float m_scale = 1.0f;
    std::int64_t m_zeroPoint = 0;
};

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: tinyscope-make-examples <output.tflite>\n");
        return 2;
    }
    const QString path = QString::fromLocal8Bit(argv[1]);
    DsCnnWriter writer;
    writer.build();
    QString error;
    if (!writer.builder().writeFile(path, &error)) {
        std::fprintf(stderr, "tinyscope-make-examples: %s\n", qPrintable(error));
        return 1;
    }
    return 0;
}
