// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture models with known answers. Every expected number is worked out by hand next to the code that writes
// the model; the conventions are those of docs/analysis.md:
//   params       = elements of the constant tensors an operator consumes
//   weight bytes = bytes of those tensors' buffers (model totals count each tensor / buffer once)
//   output bytes = bytes of the operator's non-constant outputs
//   MACs         = CONV_2D: out elements x kh x kw x in channels; DEPTHWISE_CONV_2D: out elements x kh x kw;
//                  FULLY_CONNECTED / BATCH_MATMUL: out elements x K; TRANSPOSE_CONV: in elements x kh x kw x out
//                  channels; UNIDIRECTIONAL_SEQUENCE_LSTM: batch x time x (4 x n_cell x (n_input + n_output)
//                  + n_output x n_cell with a projection); SVDF: batch x (filters x input + filters x memory).
#include "fixtures.h"

#include "tflite/tflitebuilder.h"

#include "tflite_generated.h"

#include <QFile>
#include <QtEndian>

#include <algorithm>
#include <functional>

namespace TestHelpers {

using Profiler::DataType;
using Profiler::TfliteBuilder;

namespace {

QString S(const char* text)
{
    return QString::fromUtf8(text);
}

/** Deterministic, non-trivial bytes for weights whose values do not matter. */
QByteArray filler(qsizetype count, int seed)
{
    QByteArray bytes(count, Qt::Uninitialized);
    for (qsizetype i = 0; i < count; ++i)
        bytes[i] = static_cast<char>((i * 37 + seed * 101 + 11) & 0xff);
    return bytes;
}

QByteArray int32s(const std::vector<std::int32_t>& values)
{
    QByteArray bytes(static_cast<qsizetype>(values.size() * 4), Qt::Uninitialized);
    for (std::size_t i = 0; i < values.size(); ++i)
        qToLittleEndian<std::int32_t>(values[i], bytes.data() + i * 4);
    return bytes;
}

QByteArray floats(qsizetype count, float start = 0.5f)
{
    QByteArray bytes(count * 4, Qt::Uninitialized);
    for (qsizetype i = 0; i < count; ++i)
        qToLittleEndian<float>(start + 0.25f * static_cast<float>(i % 7), bytes.data() + i * 4);
    return bytes;
}

std::vector<float> scales(int count, float base)
{
    std::vector<float> s;
    for (int i = 0; i < count; ++i)
        s.push_back(base * static_cast<float>(1 + i % 5));
    return s;
}

/** SplitMix64, for the random-bytes inputs (same bytes on every platform). */
std::uint64_t splitMix(std::uint64_t& state)
{
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

ExpectedTensor T(int index, const char* name, DataType type, std::vector<std::int32_t> shape, std::int64_t elements,
    std::int64_t bytes)
{
    ExpectedTensor t;
    t.index = index;
    t.name = S(name);
    t.type = type;
    t.shape = std::move(shape);
    t.elements = elements;
    t.bytes = bytes;
    return t;
}

ExpectedOperator Op(const char* type, int code, std::vector<int> inputs, std::vector<int> outputs, const char* name,
    std::int64_t params, std::int64_t weightBytes, std::int64_t macs, std::int64_t outputBytes)
{
    ExpectedOperator op;
    op.type = S(type);
    op.builtinCode = code;
    op.inputs = std::move(inputs);
    op.outputs = std::move(outputs);
    op.name = S(name);
    op.params = params;
    op.weightBytes = weightBytes;
    op.macs = macs;
    op.outputBytes = outputBytes;
    return op;
}

std::pair<QString, QVariant> opt(const char* key, const QVariant& value)
{
    return { S(key), value };
}

Profiler::SignatureTensor sigTensor(const char* name, int tensor)
{
    return { S(name), tensor };
}

// Builtin operator codes of the format.
constexpr int kAdd = 0;
constexpr int kAveragePool2D = 1;
constexpr int kConcatenation = 2;
constexpr int kConv2D = 3;
constexpr int kDepthwiseConv2D = 4;
constexpr int kFullyConnected = 9;
constexpr int kMaxPool2D = 17;
constexpr int kMul = 18;
constexpr int kReshape = 22;
constexpr int kSoftmax = 25;
constexpr int kSvdf = 27;
constexpr int kCustom = 32;
constexpr int kPad = 34;
constexpr int kMean = 40;
constexpr int kSub = 41;
constexpr int kLstm = 44;
constexpr int kStridedSlice = 45;
constexpr int kCast = 53;
constexpr int kLess = 58;
constexpr int kTransposeConv = 67;
constexpr int kIf = 118;
constexpr int kWhile = 119;
constexpr int kBatchMatMul = 126;
constexpr int kCallOnce = 129;
constexpr int kVarHandle = 142;
constexpr int kAssignVariable = 144;
constexpr int kGelu = 150;

// ---- (a) CONV_2D int8, 3x3 stride 1 SAME, 8 -> 16 channels on 1x8x8x8, with bias ------------------------------

Fixture conv2dInt8()
{
    TfliteBuilder b;
    b.setEmptyBufferPerTensor(true); // converter style: every activation has an empty buffer of its own
    b.setSubgraphName(S("main"));
    b.setOperatorVersion(kConv2D, 3);
    const int input = b.addTensor(S("input"), DataType::Int8, { 1, 8, 8, 8 }); // buffer 1 (empty)
    b.setQuantization(input, TfliteBuilder::perTensor(0.5f, -1));
    const int weights = b.addConstant(S("conv/weights"), DataType::Int8, { 16, 3, 3, 8 }, filler(1152, 1)); // buf 2
    b.setQuantization(weights, TfliteBuilder::perChannel(scales(16, 0.01f), 0));
    const int bias = b.addConstant(S("conv/bias"), DataType::Int32, { 16 }, int32s(std::vector<std::int32_t>(16, 7)));
    b.setQuantization(bias, TfliteBuilder::perChannel(scales(16, 0.005f), 0)); // input scale x weight scales
    const int output = b.addTensor(S("conv/Relu6"), DataType::Int8, { 1, 8, 8, 16 }); // buffer 4 (empty)
    b.setQuantization(output, TfliteBuilder::perTensor(0.25f, -128));
    TfliteBuilder::Conv2DOptions o;
    o.activation = TfliteBuilder::Activation::Relu6;
    b.addConv2D({ input, weights, bias }, { output }, o);
    b.setInputs({ input });
    b.setOutputs({ output });

    Fixture f;
    f.name = S("a: int8 CONV_2D 3x3 SAME 8->16");
    f.bytes = b.finish();
    f.buffers = 5; // sentinel + input + weights + bias + output
    ExpectedSubgraph sg;
    sg.name = S("main");
    sg.inputs = { 0 };
    sg.outputs = { 3 };
    sg.tensorCount = 4;
    sg.tensors = {
        T(0, "input", DataType::Int8, { 1, 8, 8, 8 }, 512, 512).perTensor(), // 1*8*8*8 = 512, 1 byte each
        T(1, "conv/weights", DataType::Int8, { 16, 3, 3, 8 }, 1152, 1152) // 16*3*3*8 = 1152
            .constant(2)
            .perChannel(16, 0),
        T(2, "conv/bias", DataType::Int32, { 16 }, 16, 64).constant(3).perChannel(16, 0), // 16 * 4 bytes = 64
        T(3, "conv/Relu6", DataType::Int8, { 1, 8, 8, 16 }, 1024, 1024).perTensor(), // 8*8*16 = 1024
    };
    // SAME, stride 1: output 8x8. MACs = 1024 outputs x 3 x 3 x 8 = 1024 x 72 = 73,728.
    // params = 1152 + 16 = 1168; weight bytes = 1152 + 64 = 1216; output bytes = 1024.
    ExpectedOperator conv = Op("CONV_2D", kConv2D, { 0, 1, 2 }, { 3 }, "conv/Relu6", 1168, 1216, 73728, 1024);
    conv.version = 3;
    conv.options = { opt("padding", S("SAME")), opt("stride_w", 1), opt("stride_h", 1),
        opt("fused_activation_function", S("RELU6")), opt("dilation_w_factor", 1), opt("dilation_h_factor", 1) };
    sg.operators = { conv };
    sg.params = 1168;
    sg.weightBytes = 1216;
    sg.macs = 73728;
    sg.largestActivationBytes = 1024; // output 1024 > input 512
    sg.largestActivationTensor = 3;
    f.subgraphs = { sg };
    return f;
}

// ---- (b) DEPTHWISE_CONV_2D 3x3 stride 2, depth multiplier 1 -----------------------------------------------------

Fixture depthwiseStride2()
{
    TfliteBuilder b;
    const int input = b.addTensor(S("input"), DataType::Int8, { 1, 16, 16, 8 });
    b.setQuantization(input, TfliteBuilder::perTensor(0.5f, 0));
    const int weights = b.addConstant(S("dw/depthwise_weights"), DataType::Int8, { 1, 3, 3, 8 }, filler(72, 2));
    b.setQuantization(weights, TfliteBuilder::perChannel(scales(8, 0.02f), 3)); // depthwise: channels on axis 3
    const int bias = b.addConstant(S("dw/bias"), DataType::Int32, { 8 }, int32s({ 1, -2, 3, -4, 5, -6, 7, -8 }));
    b.setQuantization(bias, TfliteBuilder::perChannel(scales(8, 0.01f), 0));
    const int output = b.addTensor(S("dw/Relu"), DataType::Int8, { 1, 8, 8, 8 });
    b.setQuantization(output, TfliteBuilder::perTensor(0.1f, -128));
    TfliteBuilder::DepthwiseConv2DOptions o;
    o.strideW = 2;
    o.strideH = 2;
    o.depthMultiplier = 1;
    o.activation = TfliteBuilder::Activation::Relu;
    b.addDepthwiseConv2D({ input, weights, bias }, { output }, o);
    b.setInputs({ input });
    b.setOutputs({ output });

    Fixture f;
    f.name = S("b: DEPTHWISE_CONV_2D 3x3 stride 2");
    f.bytes = b.finish();
    f.buffers = 3; // sentinel + weights + bias (activations use the sentinel)
    ExpectedSubgraph sg;
    sg.inputs = { 0 };
    sg.outputs = { 3 };
    sg.tensorCount = 4;
    sg.tensors = {
        T(0, "input", DataType::Int8, { 1, 16, 16, 8 }, 2048, 2048).perTensor(), // 16*16*8 = 2048
        T(1, "dw/depthwise_weights", DataType::Int8, { 1, 3, 3, 8 }, 72, 72).constant(1).perChannel(8, 3),
        T(2, "dw/bias", DataType::Int32, { 8 }, 8, 32).constant(2).perChannel(8, 0), // 8 * 4 = 32
        T(3, "dw/Relu", DataType::Int8, { 1, 8, 8, 8 }, 512, 512).perTensor(), // SAME, stride 2: ceil(16/2) = 8
    };
    // MACs = 512 outputs x 3 x 3 = 4,608; params = 72 + 8 = 80; weight bytes = 72 + 32 = 104; output 512.
    ExpectedOperator dw = Op("DEPTHWISE_CONV_2D", kDepthwiseConv2D, { 0, 1, 2 }, { 3 }, "dw/Relu", 80, 104, 4608, 512);
    dw.options = { opt("padding", S("SAME")), opt("stride_w", 2), opt("stride_h", 2), opt("depth_multiplier", 1),
        opt("fused_activation_function", S("RELU")) };
    sg.operators = { dw };
    sg.params = 80;
    sg.weightBytes = 104;
    sg.macs = 4608;
    sg.largestActivationBytes = 2048; // the input
    sg.largestActivationTensor = 0;
    f.subgraphs = { sg };
    return f;
}

// ---- (c) FULLY_CONNECTED float32 1x64 -> 10 ----------------------------------------------------------------------

Fixture fullyConnectedFloat()
{
    TfliteBuilder b;
    const int input = b.addTensor(S("input"), DataType::Float32, { 1, 64 });
    const int weights = b.addConstant(S("dense/weights"), DataType::Float32, { 10, 64 }, floats(640));
    const int bias = b.addConstant(S("dense/bias"), DataType::Float32, { 10 }, floats(10));
    const int output = b.addTensor(S("dense/BiasAdd"), DataType::Float32, { 1, 10 });
    b.addFullyConnected({ input, weights, bias }, { output });
    b.setInputs({ input });
    b.setOutputs({ output });

    Fixture f;
    f.name = S("c: float32 FULLY_CONNECTED 64->10");
    f.bytes = b.finish();
    f.buffers = 3;
    ExpectedSubgraph sg;
    sg.inputs = { 0 };
    sg.outputs = { 3 };
    sg.tensorCount = 4;
    sg.tensors = {
        T(0, "input", DataType::Float32, { 1, 64 }, 64, 256), // 64 * 4 bytes
        T(1, "dense/weights", DataType::Float32, { 10, 64 }, 640, 2560).constant(1), // 640 * 4
        T(2, "dense/bias", DataType::Float32, { 10 }, 10, 40).constant(2),
        T(3, "dense/BiasAdd", DataType::Float32, { 1, 10 }, 10, 40),
    };
    // MACs = 10 outputs x K 64 = 640; params = 640 + 10 = 650; weight bytes = 2560 + 40 = 2600; output 40.
    ExpectedOperator fc
        = Op("FULLY_CONNECTED", kFullyConnected, { 0, 1, 2 }, { 3 }, "dense/BiasAdd", 650, 2600, 640, 40);
    fc.options = { opt("fused_activation_function", S("NONE")), opt("keep_num_dims", false) };
    sg.operators = { fc };
    sg.params = 650;
    sg.weightBytes = 2600;
    sg.macs = 640;
    sg.largestActivationBytes = 256;
    sg.largestActivationTensor = 0;
    f.subgraphs = { sg };
    return f;
}

// ---- (d) TRANSPOSE_CONV int8 1x4x4x8 -> 1x8x8x16, 3x3 stride 2 -------------------------------------------------

Fixture transposeConv()
{
    TfliteBuilder b;
    // Input order of TRANSPOSE_CONV: output shape, weights [out, kh, kw, in], data, bias.
    const int shape = b.addConstant(S("conv_transpose/output_shape"), DataType::Int32, { 4 }, int32s({ 1, 8, 8, 16 }));
    const int weights = b.addConstant(S("conv_transpose/weights"), DataType::Int8, { 16, 3, 3, 8 }, filler(1152, 4));
    b.setQuantization(weights, TfliteBuilder::perChannel(scales(16, 0.01f), 0));
    const int input = b.addTensor(S("input"), DataType::Int8, { 1, 4, 4, 8 });
    b.setQuantization(input, TfliteBuilder::perTensor(0.5f, 0));
    const int bias = b.addConstant(S("conv_transpose/bias"), DataType::Int32, { 16 }, int32s(std::vector<int>(16, -3)));
    const int output = b.addTensor(S("conv_transpose/output"), DataType::Int8, { 1, 8, 8, 16 });
    b.setQuantization(output, TfliteBuilder::perTensor(0.25f, 0));
    TfliteBuilder::TransposeConvOptions o;
    o.strideW = 2;
    o.strideH = 2;
    b.addTransposeConv({ shape, weights, input, bias }, { output }, o);
    b.setInputs({ input });
    b.setOutputs({ output });

    Fixture f;
    f.name = S("d: TRANSPOSE_CONV 3x3 stride 2");
    f.bytes = b.finish();
    f.buffers = 4;
    ExpectedSubgraph sg;
    sg.inputs = { 2 };
    sg.outputs = { 4 };
    sg.tensorCount = 5;
    sg.tensors = {
        T(0, "conv_transpose/output_shape", DataType::Int32, { 4 }, 4, 16).constant(1),
        T(1, "conv_transpose/weights", DataType::Int8, { 16, 3, 3, 8 }, 1152, 1152).constant(2).perChannel(16, 0),
        T(2, "input", DataType::Int8, { 1, 4, 4, 8 }, 128, 128).perTensor(),
        T(3, "conv_transpose/bias", DataType::Int32, { 16 }, 16, 64).constant(3),
        T(4, "conv_transpose/output", DataType::Int8, { 1, 8, 8, 16 }, 1024, 1024).perTensor(),
    };
    // MACs = 128 input elements x 3 x 3 x 16 output channels = 128 x 144 = 18,432.
    // params = 4 (output shape) + 1152 + 16 = 1172; weight bytes = 16 + 1152 + 64 = 1232; output 1024.
    ExpectedOperator tc
        = Op("TRANSPOSE_CONV", kTransposeConv, { 0, 1, 2, 3 }, { 4 }, "conv_transpose/output", 1172, 1232, 18432, 1024);
    tc.options = { opt("padding", S("SAME")), opt("stride_w", 2), opt("stride_h", 2) };
    sg.operators = { tc };
    sg.params = 1172;
    sg.weightBytes = 1232;
    sg.macs = 18432;
    sg.largestActivationBytes = 1024;
    sg.largestActivationTensor = 4;
    f.subgraphs = { sg };
    return f;
}

// ---- (e) BATCH_MATMUL [2,4,8] x [2,8,6] (right operand constant, stored transposed: adj_y) ----------------------

Fixture batchMatMul()
{
    TfliteBuilder b;
    const int lhs = b.addTensor(S("lhs"), DataType::Float32, { 2, 4, 8 });
    const int rhs = b.addConstant(S("rhs"), DataType::Float32, { 2, 6, 8 }, floats(96));
    const int product = b.addTensor(S("product"), DataType::Float32, { 2, 4, 6 });
    b.addBatchMatMul({ lhs, rhs }, { product }, false, true);
    b.setInputs({ lhs });
    b.setOutputs({ product });

    Fixture f;
    f.name = S("e: BATCH_MATMUL with adj_y");
    f.bytes = b.finish();
    f.buffers = 2;
    ExpectedSubgraph sg;
    sg.inputs = { 0 };
    sg.outputs = { 2 };
    sg.tensorCount = 3;
    sg.tensors = {
        T(0, "lhs", DataType::Float32, { 2, 4, 8 }, 64, 256),
        T(1, "rhs", DataType::Float32, { 2, 6, 8 }, 96, 384).constant(1),
        T(2, "product", DataType::Float32, { 2, 4, 6 }, 48, 192),
    };
    // K = last dimension of lhs = 8 (adj_x false). MACs = 48 outputs x 8 = 384.
    // params = 96; weight bytes = 96 * 4 = 384; output = 48 * 4 = 192.
    ExpectedOperator mm = Op("BATCH_MATMUL", kBatchMatMul, { 0, 1 }, { 2 }, "product", 96, 384, 384, 192);
    mm.options = { opt("adj_x", false), opt("adj_y", true) };
    sg.operators = { mm };
    sg.params = 96;
    sg.weightBytes = 384;
    sg.macs = 384;
    sg.largestActivationBytes = 256;
    sg.largestActivationTensor = 0;
    f.subgraphs = { sg };
    return f;
}

// ---- (f) two branches, ADD + CONCATENATION, a weight buffer shared by two tensors and a bias tensor shared by two
//          operators ---------------------------------------------------------------------------------------------

Fixture twoBranches()
{
    TfliteBuilder b;
    const int input = b.addTensor(S("input"), DataType::Int8, { 1, 8, 8, 8 });
    const int weightsA = b.addConstant(S("branch_a/weights"), DataType::Int8, { 4, 1, 1, 8 }, filler(32, 6)); // buf 1
    const int bias = b.addConstant(S("shared/bias"), DataType::Int32, { 4 }, int32s({ 10, 20, 30, 40 })); // buf 2
    const int convA = b.addTensor(S("branch_a/conv"), DataType::Int8, { 1, 8, 8, 4 });
    // The converter stores identical weights once: branch_b/weights is a tensor of its own on buffer 1.
    const int weightsB = b.addConstantSharingBuffer(S("branch_b/weights"), DataType::Int8, { 4, 1, 1, 8 }, weightsA);
    const int convB = b.addTensor(S("branch_b/conv"), DataType::Int8, { 1, 8, 8, 4 });
    const int sum = b.addTensor(S("sum"), DataType::Int8, { 1, 8, 8, 4 });
    const int concat = b.addTensor(S("concat"), DataType::Int8, { 1, 8, 8, 12 });
    b.addConv2D({ input, weightsA, bias }, { convA });
    b.addConv2D({ input, weightsB, bias }, { convB });
    b.addAdd({ convA, convB }, { sum });
    b.addConcatenation({ sum, input }, { concat }, 3);
    b.setInputs({ input });
    b.setOutputs({ concat });

    Fixture f;
    f.name = S("f: two branches, shared weights");
    f.bytes = b.finish();
    f.buffers = 3; // sentinel + one weight buffer for both branches + bias
    ExpectedSubgraph sg;
    sg.inputs = { 0 };
    sg.outputs = { 7 };
    sg.tensorCount = 8;
    sg.tensors = {
        T(0, "input", DataType::Int8, { 1, 8, 8, 8 }, 512, 512),
        T(1, "branch_a/weights", DataType::Int8, { 4, 1, 1, 8 }, 32, 32).constant(1),
        T(2, "shared/bias", DataType::Int32, { 4 }, 4, 16).constant(2),
        T(3, "branch_a/conv", DataType::Int8, { 1, 8, 8, 4 }, 256, 256),
        T(4, "branch_b/weights", DataType::Int8, { 4, 1, 1, 8 }, 32, 32).constant(1), // same buffer as tensor 1
        T(5, "branch_b/conv", DataType::Int8, { 1, 8, 8, 4 }, 256, 256),
        T(6, "sum", DataType::Int8, { 1, 8, 8, 4 }, 256, 256),
        T(7, "concat", DataType::Int8, { 1, 8, 8, 12 }, 768, 768), // 8*8*(4+8) = 768
    };
    // Each 1x1 conv: MACs = 256 outputs x 1 x 1 x 8 = 2,048; params = 32 + 4 = 36; weight bytes = 32 + 16 = 48.
    ExpectedOperator add = Op("ADD", kAdd, { 3, 5 }, { 6 }, "sum", 0, 0, 0, 256);
    add.options = { opt("fused_activation_function", S("NONE")) };
    ExpectedOperator cat = Op("CONCATENATION", kConcatenation, { 6, 0 }, { 7 }, "concat", 0, 0, 0, 768);
    cat.options = { opt("axis", 3) };
    sg.operators = {
        Op("CONV_2D", kConv2D, { 0, 1, 2 }, { 3 }, "branch_a/conv", 36, 48, 2048, 256),
        Op("CONV_2D", kConv2D, { 0, 4, 2 }, { 5 }, "branch_b/conv", 36, 48, 2048, 256),
        add,
        cat,
    };
    // Totals: params count each constant tensor once: 32 (branch_a) + 4 (bias) + 32 (branch_b) = 68.
    // Weight bytes count each buffer once: 32 (shared weights) + 16 (bias) = 48, although the layers sum to 96.
    sg.params = 68;
    sg.weightBytes = 48;
    sg.macs = 4096;
    sg.largestActivationBytes = 768;
    sg.largestActivationTensor = 7;
    f.subgraphs = { sg };
    return f;
}

// ---- (g) subgraphs: WHILE (cond + body) and CALL_ONCE (init) --------------------------------------------------------

Fixture controlFlow()
{
    TfliteBuilder b;
    // Subgraph 0: CALL_ONCE(init = 3); WHILE(cond = 1, body = 2); CONCATENATION of the loop result and the input.
    b.setSubgraphName(S("main"));
    const int counter = b.addTensor(S("counter"), DataType::Int32, {});
    const int x = b.addTensor(S("x"), DataType::Float32, { 1, 4 });
    const int loopCounter = b.addTensor(S("while/counter"), DataType::Int32, {});
    const int loopX = b.addTensor(S("while/x"), DataType::Float32, { 1, 4 });
    const int result = b.addTensor(S("result"), DataType::Float32, { 1, 8 });
    b.addCallOnce(3);
    b.addWhile({ counter, x }, { loopCounter, loopX }, 1, 2);
    b.addConcatenation({ loopX, x }, { result }, 1);
    b.setInputs({ counter, x });
    b.setOutputs({ result });

    // Subgraph 1: counter < limit.
    b.addSubgraph(S("while_cond"));
    {
        const int c = b.addTensor(S("counter"), DataType::Int32, {});
        const int cx = b.addTensor(S("x"), DataType::Float32, { 1, 4 });
        const int limit = b.addConstant(S("limit"), DataType::Int32, {}, int32s({ 10 })); // buffer 1
        const int keepGoing = b.addTensor(S("keep_going"), DataType::Bool, {});
        b.addBuiltin(kLess, { c, limit }, { keepGoing });
        b.setInputs({ c, cx });
        b.setOutputs({ keepGoing });
    }

    // Subgraph 2: counter + 1; x -> dense 4->8 (ReLU) -> dense 8->4 without bias.
    b.addSubgraph(S("while_body"));
    {
        const int c = b.addTensor(S("counter"), DataType::Int32, {});
        const int bx = b.addTensor(S("x"), DataType::Float32, { 1, 4 });
        const int one = b.addConstant(S("one"), DataType::Int32, {}, int32s({ 1 })); // buffer 2
        const int next = b.addTensor(S("next_counter"), DataType::Int32, {});
        const int w1 = b.addConstant(S("dense/weights"), DataType::Float32, { 8, 4 }, floats(32)); // buffer 3
        const int b1 = b.addConstant(S("dense/bias"), DataType::Float32, { 8 }, floats(8)); // buffer 4
        const int hidden = b.addTensor(S("dense/Relu"), DataType::Float32, { 1, 8 });
        const int w2 = b.addConstant(S("dense_1/weights"), DataType::Float32, { 4, 8 }, floats(32)); // buffer 5
        const int nextX = b.addTensor(S("next_x"), DataType::Float32, { 1, 4 });
        b.addAdd({ c, one }, { next });
        b.addFullyConnected({ bx, w1, b1 }, { hidden }, TfliteBuilder::Activation::Relu);
        b.addFullyConnected({ hidden, w2, -1 }, { nextX });
        b.setInputs({ c, bx });
        b.setOutputs({ next, nextX });
    }

    // Subgraph 3: the CALL_ONCE initialiser creates a resource variable and assigns its initial value.
    b.addSubgraph(S("init"));
    {
        const int handle = b.addTensor(S("state"), DataType::Resource, {});
        const int init = b.addConstant(S("initial_value"), DataType::Float32, { 1, 4 }, floats(4)); // buffer 6
        b.addBuiltin(kVarHandle, {}, { handle });
        b.addBuiltin(kAssignVariable, { handle, init }, {});
    }
    b.selectSubgraph(0);
    Profiler::SignatureDef sig;
    sig.key = S("serving_default");
    sig.subgraph = 0;
    sig.inputs = { sigTensor("counter", 0), sigTensor("x", 1) };
    sig.outputs = { sigTensor("result", 4) };
    b.addSignature(sig);

    Fixture f;
    f.name = S("g: WHILE and CALL_ONCE subgraphs");
    f.bytes = b.finish();
    f.buffers = 7;
    f.signatures = { sig };

    ExpectedSubgraph main;
    main.name = S("main");
    main.inputs = { 0, 1 };
    main.outputs = { 4 };
    main.tensorCount = 5;
    main.tensors = {
        T(0, "counter", DataType::Int32, {}, 1, 4), // a scalar has one element
        T(1, "x", DataType::Float32, { 1, 4 }, 4, 16),
        T(2, "while/counter", DataType::Int32, {}, 1, 4),
        T(3, "while/x", DataType::Float32, { 1, 4 }, 4, 16),
        T(4, "result", DataType::Float32, { 1, 8 }, 8, 32),
    };
    ExpectedOperator callOnce = Op("CALL_ONCE", kCallOnce, {}, {}, "", 0, 0, 0, 0);
    callOnce.calledSubgraphs = { 3 };
    callOnce.options = { opt("init_subgraph_index", 3) };
    // WHILE produces counter (4 bytes) and x (16 bytes): 20 output bytes.
    ExpectedOperator loop = Op("WHILE", kWhile, { 0, 1 }, { 2, 3 }, "while/counter", 0, 0, 0, 20);
    loop.calledSubgraphs = { 1, 2 };
    loop.options = { opt("cond_subgraph_index", 1), opt("body_subgraph_index", 2) };
    main.operators = { callOnce, loop, Op("CONCATENATION", kConcatenation, { 3, 1 }, { 4 }, "result", 0, 0, 0, 32) };
    main.largestActivationBytes = 32;
    main.largestActivationTensor = 4;

    ExpectedSubgraph cond;
    cond.name = S("while_cond");
    cond.inputs = { 0, 1 };
    cond.outputs = { 3 };
    cond.tensorCount = 4;
    cond.tensors = {
        T(0, "counter", DataType::Int32, {}, 1, 4),
        T(1, "x", DataType::Float32, { 1, 4 }, 4, 16),
        T(2, "limit", DataType::Int32, {}, 1, 4).constant(1),
        T(3, "keep_going", DataType::Bool, {}, 1, 1),
    };
    cond.operators = { Op("LESS", kLess, { 0, 2 }, { 3 }, "keep_going", 1, 4, 0, 1) }; // the scalar limit: 1, 4 B
    cond.params = 1;
    cond.weightBytes = 4;
    cond.largestActivationBytes = 16;
    cond.largestActivationTensor = 1;

    ExpectedSubgraph body;
    body.name = S("while_body");
    body.inputs = { 0, 1 };
    body.outputs = { 3, 8 };
    body.tensorCount = 9;
    body.tensors = {
        T(0, "counter", DataType::Int32, {}, 1, 4),
        T(1, "x", DataType::Float32, { 1, 4 }, 4, 16),
        T(2, "one", DataType::Int32, {}, 1, 4).constant(2),
        T(3, "next_counter", DataType::Int32, {}, 1, 4),
        T(4, "dense/weights", DataType::Float32, { 8, 4 }, 32, 128).constant(3),
        T(5, "dense/bias", DataType::Float32, { 8 }, 8, 32).constant(4),
        T(6, "dense/Relu", DataType::Float32, { 1, 8 }, 8, 32),
        T(7, "dense_1/weights", DataType::Float32, { 4, 8 }, 32, 128).constant(5),
        T(8, "next_x", DataType::Float32, { 1, 4 }, 4, 16),
    };
    body.operators = {
        Op("ADD", kAdd, { 0, 2 }, { 3 }, "next_counter", 1, 4, 0, 4),
        // 8 outputs x K 4 = 32 MACs; params 32 + 8 = 40; bytes 128 + 32 = 160
        Op("FULLY_CONNECTED", kFullyConnected, { 1, 4, 5 }, { 6 }, "dense/Relu", 40, 160, 32, 32),
        // 4 outputs x K 8 = 32 MACs; the omitted bias (-1) counts nothing
        Op("FULLY_CONNECTED", kFullyConnected, { 6, 7, -1 }, { 8 }, "next_x", 32, 128, 32, 16),
    };
    body.params = 73; // 1 + 40 + 32
    body.weightBytes = 292; // 4 + 160 + 128
    body.macs = 64;
    body.largestActivationBytes = 32;
    body.largestActivationTensor = 6;

    ExpectedSubgraph init;
    init.name = S("init");
    init.tensorCount = 2;
    init.tensors = {
        T(0, "state", DataType::Resource, {}, 1, -1), // a resource handle has no byte size
        T(1, "initial_value", DataType::Float32, { 1, 4 }, 4, 16).constant(6),
    };
    init.operators = {
        Op("VAR_HANDLE", kVarHandle, {}, { 0 }, "state", 0, 0, 0, 0), // resource output: no bytes
        Op("ASSIGN_VARIABLE", kAssignVariable, { 0, 1 }, {}, "", 4, 16, 0, 0),
    };
    init.params = 4;
    init.weightBytes = 16;
    init.largestActivationBytes = 0; // the only activation is the resource handle, which has no size
    init.largestActivationTensor = -1;

    f.subgraphs = { main, cond, body, init };
    return f;
}

// ---- (h) odd tensors: scalar, zero-size, unnamed, dynamic, INT4 blockwise, INT16, FLOAT16, COMPLEX64, RESOURCE,
//          is_variable ---------------------------------------------------------------------------------------------

Fixture oddTensors()
{
    TfliteBuilder b;
    const int scalar = b.addTensor(S("scalar"), DataType::Float32, {});
    const int dynamic = b.addTensor(S("dynamic"), DataType::Float32, { 1, 16 });
    b.setShapeSignature(dynamic, { -1, 16 });
    const int scaled = b.addTensor(S("scaled"), DataType::Float32, { 1, 16 });
    b.setShapeSignature(scaled, { -1, 16 });
    const int complex = b.addTensor(S("as_complex"), DataType::Complex64, { 1, 16 });
    b.setShapeSignature(complex, { -1, 16 });
    const int unnamed = b.addTensor(QString(), DataType::Float32, { 1, 8 });
    // INT4 weights [3, 8], two 4-bit values per byte: 24 elements -> 12 bytes; block-wise scales in FLOAT16 [3, 2].
    const int weights = b.addConstant(S("fc/weights_int4"), DataType::Int4, { 3, 8 }, filler(12, 8)); // buffer 1
    const int blockScales = b.addConstant(S("fc/weights_scale_f16"), DataType::Float16, { 3, 2 }, filler(12, 9)); // 2
    b.setQuantization(weights, TfliteBuilder::blockwise(blockScales, 4));
    const int fcOut = b.addTensor(S("fc/output"), DataType::Float32, { 1, 3 });
    b.addTensor(S("empty"), DataType::Int8, { 2, 0, 3 });
    b.addTensor(S("int16_values"), DataType::Int16, { 2, 3 });
    const int state = b.addTensor(S("lstm_state"), DataType::Float32, { 1, 8 });
    b.setVariable(state);
    const int resource = b.addTensor(S("resource"), DataType::Resource, {});
    b.addMul({ dynamic, scalar }, { scaled });
    b.addBuiltin(kCast, { scaled }, { complex });
    b.addFullyConnected({ unnamed, weights, -1 }, { fcOut }, TfliteBuilder::Activation::None, false);
    b.addBuiltin(kVarHandle, {}, { resource });
    b.setInputs({ dynamic, scalar, unnamed });
    b.setOutputs({ complex, fcOut });

    Fixture f;
    f.name = S("h: odd tensors");
    f.bytes = b.finish();
    f.buffers = 3;
    ExpectedSubgraph sg;
    sg.inputs = { 1, 0, 4 };
    sg.outputs = { 3, 7 };
    sg.tensorCount = 12;
    sg.tensors = {
        T(0, "scalar", DataType::Float32, {}, 1, 4),
        T(1, "dynamic", DataType::Float32, { 1, 16 }, 16, 64).signature({ -1, 16 }),
        T(2, "scaled", DataType::Float32, { 1, 16 }, 16, 64).signature({ -1, 16 }),
        T(3, "as_complex", DataType::Complex64, { 1, 16 }, 16, 128).signature({ -1, 16 }), // 16 x 8 bytes
        T(4, "", DataType::Float32, { 1, 8 }, 8, 32),
        T(5, "fc/weights_int4", DataType::Int4, { 3, 8 }, 24, 12).constant(1).blockwise(6), // (24 * 4 + 7) / 8 = 12
        T(6, "fc/weights_scale_f16", DataType::Float16, { 3, 2 }, 6, 12).constant(2), // 6 x 2 bytes
        T(7, "fc/output", DataType::Float32, { 1, 3 }, 3, 12),
        T(8, "empty", DataType::Int8, { 2, 0, 3 }, 0, 0),
        T(9, "int16_values", DataType::Int16, { 2, 3 }, 6, 12),
        T(10, "lstm_state", DataType::Float32, { 1, 8 }, 8, 32).variable(),
        T(11, "resource", DataType::Resource, {}, 1, -1),
    };
    sg.operators = {
        Op("MUL", kMul, { 1, 0 }, { 2 }, "scaled", 0, 0, 0, 64),
        Op("CAST", kCast, { 2 }, { 3 }, "as_complex", 0, 0, 0, 128),
        // 3 outputs x K 8 = 24 MACs. params: 24 weights + 6 block scales (docs/analysis.md) = 30;
        // weight bytes: 12 (packed INT4) + 12 (FLOAT16 scales) = 24.
        Op("FULLY_CONNECTED", kFullyConnected, { 4, 5, -1 }, { 7 }, "fc/output", 30, 24, 24, 12),
        Op("VAR_HANDLE", kVarHandle, {}, { 11 }, "resource", 0, 0, 0, 0),
    };
    sg.params = 30;
    sg.weightBytes = 24;
    sg.macs = 24;
    sg.largestActivationBytes = 128; // as_complex; the others are at most 64
    sg.largestActivationTensor = 3;
    f.subgraphs = { sg };
    return f;
}

// ---- (i) custom operators: a vendor op with options, and an Ethos-U style op with an offline memory plan ---------

Fixture customOps()
{
    TfliteBuilder b;
    const int input = b.addTensor(S("input"), DataType::Int8, { 1, 16 });
    const int vendorOut = b.addTensor(S("vendor/out"), DataType::Int8, { 1, 16 });
    const int cms = b.addConstant(S("_split_1_command_stream"), DataType::UInt8, { 64 }, filler(64, 10)); // buffer 1
    const int flash = b.addConstant(S("_split_1_flash"), DataType::UInt8, { 256 }, filler(256, 11)); // buffer 2
    const int scratch = b.addTensor(S("_split_1_scratch"), DataType::UInt8, { 512 });
    const int scratchFast = b.addTensor(S("_split_1_scratch_fast"), DataType::UInt8, { 128 });
    const int output = b.addTensor(S("output"), DataType::Int8, { 1, 10 });
    b.addCustom(S("my-vendor-op"), { input }, { vendorOut }, QByteArray("\x01\x02\x03\x04", 4));
    // Vela's operand order: command stream, flash, scratch, fast scratch, then the feature maps.
    b.addCustom(S("ethos-u"), { cms, flash, scratch, scratchFast, vendorOut }, { output });
    b.setInputs({ input });
    b.setOutputs({ output });
    const std::vector<std::int32_t> offsets { 0, 16, -1, -1, 32, 544, 16 }; // one per tensor; -1: planned online
    b.addOfflineMemoryAllocation(offsets, 1, 0); // buffer 3: (3 + 7) x 4 = 40 bytes

    Fixture f;
    f.name = S("i: custom ops and offline plan");
    f.bytes = b.finish();
    f.buffers = 4;
    f.metadata = { S("OfflineMemoryAllocation") };
    Profiler::OfflineMemoryPlan plan;
    plan.version = 0;
    plan.subgraphCount = 1;
    plan.offsets = offsets;
    f.offlinePlan = plan;
    ExpectedSubgraph sg;
    sg.inputs = { 0 };
    sg.outputs = { 6 };
    sg.tensorCount = 7;
    sg.tensors = {
        T(0, "input", DataType::Int8, { 1, 16 }, 16, 16),
        T(1, "vendor/out", DataType::Int8, { 1, 16 }, 16, 16),
        T(2, "_split_1_command_stream", DataType::UInt8, { 64 }, 64, 64).constant(1),
        T(3, "_split_1_flash", DataType::UInt8, { 256 }, 256, 256).constant(2),
        T(4, "_split_1_scratch", DataType::UInt8, { 512 }, 512, 512),
        T(5, "_split_1_scratch_fast", DataType::UInt8, { 128 }, 128, 128),
        T(6, "output", DataType::Int8, { 1, 10 }, 10, 10),
    };
    ExpectedOperator vendor = Op("my-vendor-op", kCustom, { 0 }, { 1 }, "vendor/out", 0, 0, 0, 16);
    vendor.isCustom = true;
    vendor.customOptionsBytes = 4;
    // Custom ops do no MACs TinyScope knows of; their constant inputs still count: 64 + 256 = 320.
    ExpectedOperator ethos = Op("ethos-u", kCustom, { 2, 3, 4, 5, 1 }, { 6 }, "output", 320, 320, 0, 10);
    ethos.isCustom = true;
    sg.operators = { vendor, ethos };
    sg.params = 320;
    sg.weightBytes = 320;
    sg.largestActivationBytes = 512; // the scratch area
    sg.largestActivationTensor = 4;
    f.subgraphs = { sg };
    return f;
}

// ---- (j) a legacy opcode (only deprecated_builtin_code) and a modern code above 127 ------------------------------

Fixture opcodeStyles()
{
    TfliteBuilder b;
    const int input = b.addTensor(S("input"), DataType::Float32, { 1, 8 });
    const int weights = b.addConstant(S("dense/weights"), DataType::Float32, { 4, 8 }, floats(32)); // buffer 1
    const int bias = b.addConstant(S("dense/bias"), DataType::Float32, { 4 }, floats(4)); // buffer 2
    const int dense = b.addTensor(S("dense/BiasAdd"), DataType::Float32, { 1, 4 });
    const int gelu = b.addTensor(S("gelu"), DataType::Float32, { 1, 4 });
    const int sum = b.addTensor(S("sum"), DataType::Float32, { 1, 4 });
    b.setOpcodeStyle(TfliteBuilder::OpcodeStyle::LegacyOnly);
    b.addFullyConnected({ input, weights, bias }, { dense }); // opcode 0: deprecated_builtin_code 9 only
    b.setOpcodeStyle(TfliteBuilder::OpcodeStyle::Modern);
    b.setOperatorVersion(kGelu, 2);
    b.addBuiltin(kGelu, { dense }, { gelu }); // opcode 1: deprecated_builtin_code 127, builtin_code 150
    b.setOpcodeStyle(TfliteBuilder::OpcodeStyle::LegacyOnly);
    b.addAdd({ dense, gelu }, { sum }); // opcode 2: ADD is code 0, the default: neither field is stored
    b.setInputs({ input });
    b.setOutputs({ sum });

    Fixture f;
    f.name = S("j: legacy opcode and code 150");
    f.bytes = b.finish();
    f.buffers = 3;
    ExpectedSubgraph sg;
    sg.inputs = { 0 };
    sg.outputs = { 5 };
    sg.tensorCount = 6;
    sg.tensors = {
        T(0, "input", DataType::Float32, { 1, 8 }, 8, 32),
        T(1, "dense/weights", DataType::Float32, { 4, 8 }, 32, 128).constant(1),
        T(2, "dense/bias", DataType::Float32, { 4 }, 4, 16).constant(2),
        T(3, "dense/BiasAdd", DataType::Float32, { 1, 4 }, 4, 16),
        T(4, "gelu", DataType::Float32, { 1, 4 }, 4, 16),
        T(5, "sum", DataType::Float32, { 1, 4 }, 4, 16),
    };
    ExpectedOperator g = Op("GELU", kGelu, { 3 }, { 4 }, "gelu", 0, 0, 0, 16);
    g.version = 2;
    sg.operators = {
        // 4 outputs x K 8 = 32 MACs; params 32 + 4 = 36; bytes 128 + 16 = 144
        Op("FULLY_CONNECTED", kFullyConnected, { 0, 1, 2 }, { 3 }, "dense/BiasAdd", 36, 144, 32, 16),
        g,
        Op("ADD", kAdd, { 3, 4 }, { 5 }, "sum", 0, 0, 0, 16),
    };
    sg.params = 36;
    sg.weightBytes = 144;
    sg.macs = 32;
    sg.largestActivationBytes = 32;
    sg.largestActivationTensor = 0;
    f.subgraphs = { sg };
    return f;
}

// ---- (k1) UNIDIRECTIONAL_SEQUENCE_LSTM, without and with projection ------------------------------------------------

/** Adds one LSTM cell's tensors and operator; returns the output tensor. Gate weights and biases get one buffer each.
 */
int addLstm(TfliteBuilder& b, const QString& prefix, int input, int batch, int time, int nInput, int nCell, int nOutput,
    bool projection)
{
    const char* gates[] = { "input", "forget", "cell", "output" };
    std::vector<int> inputs(24, -1);
    inputs[0] = input;
    for (int g = 0; g < 4; ++g) {
        inputs[static_cast<std::size_t>(1 + g)]
            = b.addConstant(prefix + QStringLiteral("/input_to_%1_weights").arg(S(gates[g])), DataType::Float32,
                { nCell, nInput }, floats(nCell * nInput));
    }
    for (int g = 0; g < 4; ++g) {
        inputs[static_cast<std::size_t>(5 + g)]
            = b.addConstant(prefix + QStringLiteral("/recurrent_to_%1_weights").arg(S(gates[g])), DataType::Float32,
                { nCell, nOutput }, floats(nCell * nOutput));
    }
    for (int g = 0; g < 4; ++g) {
        inputs[static_cast<std::size_t>(12 + g)] = b.addConstant(
            prefix + QStringLiteral("/%1_gate_bias").arg(S(gates[g])), DataType::Float32, { nCell }, floats(nCell));
    }
    if (projection) {
        inputs[16] = b.addConstant(prefix + QStringLiteral("/projection_weights"), DataType::Float32,
            { nOutput, nCell }, floats(nOutput * nCell));
    }
    const int outputState
        = b.addTensor(prefix + QStringLiteral("/output_state"), DataType::Float32, { batch, nOutput });
    b.setVariable(outputState);
    const int cellState = b.addTensor(prefix + QStringLiteral("/cell_state"), DataType::Float32, { batch, nCell });
    b.setVariable(cellState);
    inputs[18] = outputState;
    inputs[19] = cellState;
    const int output = b.addTensor(prefix + QStringLiteral("/output"), DataType::Float32, { batch, time, nOutput });
    TfliteBuilder::LstmOptions o;
    o.cellClip = 10.0f;
    b.addUnidirectionalSequenceLstm(inputs, { output }, o);
    return output;
}

Fixture lstm()
{
    TfliteBuilder b;
    const int input = b.addTensor(S("input"), DataType::Float32, { 1, 10, 8 });
    const int out1 = addLstm(b, S("lstm1"), input, 1, 10, 8, 16, 16, false); // tensors 1..15, buffers 1..12
    const int out2 = addLstm(b, S("lstm2"), out1, 1, 10, 16, 8, 4, true); // tensors 16..31, buffers 13..25
    b.setInputs({ input });
    b.setOutputs({ out2 });

    Fixture f;
    f.name = S("k1: UNIDIRECTIONAL_SEQUENCE_LSTM");
    f.bytes = b.finish();
    f.buffers = 26;
    ExpectedSubgraph sg;
    sg.inputs = { 0 };
    sg.outputs = { 31 };
    sg.tensorCount = 32;
    sg.tensors = {
        T(0, "input", DataType::Float32, { 1, 10, 8 }, 80, 320),
        T(1, "lstm1/input_to_input_weights", DataType::Float32, { 16, 8 }, 128, 512).constant(1),
        T(5, "lstm1/recurrent_to_input_weights", DataType::Float32, { 16, 16 }, 256, 1024).constant(5),
        T(12, "lstm1/output_gate_bias", DataType::Float32, { 16 }, 16, 64).constant(12),
        T(13, "lstm1/output_state", DataType::Float32, { 1, 16 }, 16, 64).variable(),
        T(14, "lstm1/cell_state", DataType::Float32, { 1, 16 }, 16, 64).variable(),
        T(15, "lstm1/output", DataType::Float32, { 1, 10, 16 }, 160, 640),
        T(28, "lstm2/projection_weights", DataType::Float32, { 4, 8 }, 32, 128).constant(25),
        T(29, "lstm2/output_state", DataType::Float32, { 1, 4 }, 4, 16).variable(),
        T(30, "lstm2/cell_state", DataType::Float32, { 1, 8 }, 8, 32).variable(),
        T(31, "lstm2/output", DataType::Float32, { 1, 10, 4 }, 40, 160),
    };
    // lstm1: n_input 8, n_cell 16, n_output 16, batch 1, time 10, no projection.
    //   MACs = 1 x 10 x (4 x 16 x (8 + 16)) = 10 x 1536 = 15,360.
    //   params = 4 x 16x8 + 4 x 16x16 + 4 x 16 = 512 + 1024 + 64 = 1600; bytes = 1600 x 4 = 6400; output 160 x 4 = 640.
    ExpectedOperator l1 = Op("UNIDIRECTIONAL_SEQUENCE_LSTM", kLstm,
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, 9, 10, 11, 12, -1, -1, 13, 14, -1, -1, -1, -1 }, { 15 },
        "lstm1/output", 1600, 6400, 15360, 640);
    l1.options = { opt("fused_activation_function", S("TANH")), opt("cell_clip", 10.0), opt("time_major", false) };
    // lstm2: n_input 16, n_cell 8, n_output 4, projection [4, 8].
    //   MACs = 1 x 10 x (4 x 8 x (16 + 4) + 4 x 8) = 10 x (640 + 32) = 6,720.
    //   params = 4 x 8x16 + 4 x 8x4 + 4 x 8 + 4x8 = 512 + 128 + 32 + 32 = 704; bytes = 2816; output 40 x 4 = 160.
    ExpectedOperator l2 = Op("UNIDIRECTIONAL_SEQUENCE_LSTM", kLstm,
        { 15, 16, 17, 18, 19, 20, 21, 22, 23, -1, -1, -1, 24, 25, 26, 27, 28, -1, 29, 30, -1, -1, -1, -1 }, { 31 },
        "lstm2/output", 704, 2816, 6720, 160);
    l2.options = l1.options;
    sg.operators = { l1, l2 };
    sg.params = 2304; // 1600 + 704
    sg.weightBytes = 9216; // 6400 + 2816
    sg.macs = 22080; // 15360 + 6720
    sg.largestActivationBytes = 640;
    sg.largestActivationTensor = 15;
    f.subgraphs = { sg };
    return f;
}

// ---- (k2) SVDF, int8 with int16 time weights and state, batch 2 ----------------------------------------------------

Fixture svdf()
{
    TfliteBuilder b;
    const int input = b.addTensor(S("input"), DataType::Int8, { 2, 40 });
    b.setQuantization(input, TfliteBuilder::perTensor(0.5f, 0));
    const int feature = b.addConstant(S("svdf/weights_feature"), DataType::Int8, { 64, 40 }, filler(2560, 12));
    b.setQuantization(feature, TfliteBuilder::perTensor(0.01f, 0));
    const int time = b.addConstant(S("svdf/weights_time"), DataType::Int16, { 64, 8 }, filler(1024, 13));
    b.setQuantization(time, TfliteBuilder::perTensor(0.001f, 0));
    const int bias = b.addConstant(S("svdf/bias"), DataType::Int32, { 32 }, filler(128, 14));
    const int state = b.addTensor(S("svdf/activation_state"), DataType::Int16, { 2, 512 }); // batch x memory x filters
    b.setVariable(state);
    b.setQuantization(state, TfliteBuilder::perTensor(0.002f, 0));
    const int output = b.addTensor(S("svdf/output"), DataType::Int8, { 2, 32 }); // 64 filters / rank 2 = 32 units
    b.setQuantization(output, TfliteBuilder::perTensor(0.1f, -128));
    b.addSvdf({ input, feature, time, bias, state }, { output }, 2, TfliteBuilder::Activation::Relu);
    b.setInputs({ input });
    b.setOutputs({ output });

    Fixture f;
    f.name = S("k2: SVDF");
    f.bytes = b.finish();
    f.buffers = 4;
    ExpectedSubgraph sg;
    sg.inputs = { 0 };
    sg.outputs = { 5 };
    sg.tensorCount = 6;
    sg.tensors = {
        T(0, "input", DataType::Int8, { 2, 40 }, 80, 80).perTensor(),
        T(1, "svdf/weights_feature", DataType::Int8, { 64, 40 }, 2560, 2560).constant(1).perTensor(),
        T(2, "svdf/weights_time", DataType::Int16, { 64, 8 }, 512, 1024).constant(2).perTensor(),
        T(3, "svdf/bias", DataType::Int32, { 32 }, 32, 128).constant(3),
        T(4, "svdf/activation_state", DataType::Int16, { 2, 512 }, 1024, 2048).variable().perTensor(),
        T(5, "svdf/output", DataType::Int8, { 2, 32 }, 64, 64).perTensor(),
    };
    // MACs = batch 2 x (64 filters x 40 inputs + 64 filters x 8 memory) = 2 x (2560 + 512) = 6,144.
    // params = 2560 + 512 + 32 = 3104 (the variable state is not constant); bytes = 2560 + 1024 + 128 = 3712.
    ExpectedOperator op = Op("SVDF", kSvdf, { 0, 1, 2, 3, 4 }, { 5 }, "svdf/output", 3104, 3712, 6144, 64);
    op.options = { opt("rank", 2), opt("fused_activation_function", S("RELU")) };
    sg.operators = { op };
    sg.params = 3104;
    sg.weightBytes = 3712;
    sg.macs = 6144;
    sg.largestActivationBytes = 2048; // the variable state is a non-constant tensor too
    sg.largestActivationTensor = 4;
    f.subgraphs = { sg };
    return f;
}

// ---- (l) data movement: PAD, MAX_POOL_2D, MEAN, SUB, MUL, STRIDED_SLICE, RESHAPE, SOFTMAX (no MACs; their small
//          constant operands count as params) -------------------------------------------------------------------------

Fixture dataMovement()
{
    TfliteBuilder b;
    const int input = b.addTensor(S("input"), DataType::Float32, { 1, 8, 8, 3 });
    const int paddings
        = b.addConstant(S("pad/paddings"), DataType::Int32, { 4, 2 }, int32s({ 0, 0, 1, 1, 1, 1, 0, 0 }));
    const int padded = b.addTensor(S("pad"), DataType::Float32, { 1, 10, 10, 3 });
    const int pooled = b.addTensor(S("pool"), DataType::Float32, { 1, 5, 5, 3 });
    const int axes = b.addConstant(S("mean/axes"), DataType::Int32, { 2 }, int32s({ 1, 2 }));
    const int mean = b.addTensor(S("mean"), DataType::Float32, { 1, 3 });
    const int offset = b.addConstant(S("offset"), DataType::Float32, { 3 }, floats(3));
    const int centered = b.addTensor(S("centered"), DataType::Float32, { 1, 3 });
    const int scaled = b.addTensor(S("scaled"), DataType::Float32, { 1, 3 });
    const int begin = b.addConstant(S("slice/begin"), DataType::Int32, { 2 }, int32s({ 0, 1 }));
    const int end = b.addConstant(S("slice/end"), DataType::Int32, { 2 }, int32s({ 1, 3 }));
    const int strides = b.addConstant(S("slice/strides"), DataType::Int32, { 2 }, int32s({ 1, 1 }));
    const int slice = b.addTensor(S("slice"), DataType::Float32, { 1, 2 });
    const int newShape = b.addConstant(S("reshape/shape"), DataType::Int32, { 1 }, int32s({ 2 }));
    const int flat = b.addTensor(S("flat"), DataType::Float32, { 2 });
    const int probs = b.addTensor(S("probs"), DataType::Float32, { 2 });
    b.addPad({ input, paddings }, { padded });
    TfliteBuilder::Pool2DOptions pool;
    pool.filterW = 2;
    pool.filterH = 2;
    pool.strideW = 2;
    pool.strideH = 2;
    b.addMaxPool2D({ padded }, { pooled }, pool);
    b.addMean({ pooled, axes }, { mean });
    b.addSub({ mean, offset }, { centered });
    b.addMul({ centered, offset }, { scaled }); // the same constant tensor read by a second operator
    TfliteBuilder::StridedSliceOptions so;
    so.endMask = 1;
    b.addStridedSlice({ scaled, begin, end, strides }, { slice }, so);
    b.addReshape({ slice, newShape }, { flat }, { 2 });
    b.addSoftmax({ flat }, { probs });
    b.setInputs({ input });
    b.setOutputs({ probs });

    Fixture f;
    f.name = S("l: data movement ops");
    f.bytes = b.finish();
    f.buffers = 8;
    ExpectedSubgraph sg;
    sg.inputs = { 0 };
    sg.outputs = { 15 };
    sg.tensorCount = 16;
    sg.tensors = {
        T(0, "input", DataType::Float32, { 1, 8, 8, 3 }, 192, 768),
        T(1, "pad/paddings", DataType::Int32, { 4, 2 }, 8, 32).constant(1),
        T(2, "pad", DataType::Float32, { 1, 10, 10, 3 }, 300, 1200),
        T(3, "pool", DataType::Float32, { 1, 5, 5, 3 }, 75, 300), // VALID 2x2 stride 2: (10 - 2) / 2 + 1 = 5
        T(4, "mean/axes", DataType::Int32, { 2 }, 2, 8).constant(2),
        T(5, "mean", DataType::Float32, { 1, 3 }, 3, 12),
        T(6, "offset", DataType::Float32, { 3 }, 3, 12).constant(3),
        T(7, "centered", DataType::Float32, { 1, 3 }, 3, 12),
        T(8, "scaled", DataType::Float32, { 1, 3 }, 3, 12),
        T(9, "slice/begin", DataType::Int32, { 2 }, 2, 8).constant(4),
        T(10, "slice/end", DataType::Int32, { 2 }, 2, 8).constant(5),
        T(11, "slice/strides", DataType::Int32, { 2 }, 2, 8).constant(6),
        T(12, "slice", DataType::Float32, { 1, 2 }, 2, 8),
        T(13, "reshape/shape", DataType::Int32, { 1 }, 1, 4).constant(7),
        T(14, "flat", DataType::Float32, { 2 }, 2, 8),
        T(15, "probs", DataType::Float32, { 2 }, 2, 8),
    };
    ExpectedOperator maxPool = Op("MAX_POOL_2D", kMaxPool2D, { 2 }, { 3 }, "pool", 0, 0, 0, 300);
    maxPool.options = { opt("padding", S("VALID")), opt("filter_width", 2), opt("filter_height", 2), opt("stride_w", 2),
        opt("stride_h", 2) };
    ExpectedOperator meanOp = Op("MEAN", kMean, { 3, 4 }, { 5 }, "mean", 2, 8, 0, 12);
    meanOp.options = { opt("keep_dims", false) };
    ExpectedOperator sliceOp = Op("STRIDED_SLICE", kStridedSlice, { 8, 9, 10, 11 }, { 12 }, "slice", 6, 24, 0, 8);
    sliceOp.options = { opt("begin_mask", 0), opt("end_mask", 1), opt("shrink_axis_mask", 0) };
    ExpectedOperator reshape = Op("RESHAPE", kReshape, { 12, 13 }, { 14 }, "flat", 1, 4, 0, 8);
    reshape.options = { opt("new_shape", QVariantList { 2 }) };
    ExpectedOperator softmax = Op("SOFTMAX", kSoftmax, { 14 }, { 15 }, "probs", 0, 0, 0, 8);
    softmax.options = { opt("beta", 1.0) };
    sg.operators = {
        Op("PAD", kPad, { 0, 1 }, { 2 }, "pad", 8, 32, 0, 1200),
        maxPool,
        meanOp,
        Op("SUB", kSub, { 5, 6 }, { 7 }, "centered", 3, 12, 0, 12),
        Op("MUL", kMul, { 7, 6 }, { 8 }, "scaled", 3, 12, 0, 12),
        sliceOp,
        reshape,
        softmax,
    };
    sg.params = 20; // 8 + 2 + 3 (offset, counted once) + 6 + 1
    sg.weightBytes = 80; // 32 + 8 + 12 + 24 + 4
    sg.macs = 0;
    sg.largestActivationBytes = 1200;
    sg.largestActivationTensor = 2;
    f.subgraphs = { sg };
    return f;
}

// ---- (m) IF with a then and an else subgraph
// -------------------------------------------------------------------------

Fixture ifThenElse()
{
    TfliteBuilder b;
    b.setSubgraphName(S("main"));
    const int cond = b.addTensor(S("cond"), DataType::Bool, {});
    const int x = b.addTensor(S("x"), DataType::Float32, { 1, 4 });
    const int y = b.addTensor(S("y"), DataType::Float32, { 1, 2 });
    b.addIf({ cond, x }, { y }, 1, 2);
    b.setInputs({ cond, x });
    b.setOutputs({ y });
    for (const char* branch : { "then", "else" }) {
        b.addSubgraph(S(branch));
        const int bx = b.addTensor(S("x"), DataType::Float32, { 1, 4 });
        const int w = b.addConstant(S(branch) + QStringLiteral("/weights"), DataType::Float32, { 2, 4 }, floats(8));
        const int by = b.addTensor(S("y"), DataType::Float32, { 1, 2 });
        b.addFullyConnected({ bx, w, -1 }, { by });
        b.setInputs({ bx });
        b.setOutputs({ by });
    }

    Fixture f;
    f.name = S("m: IF subgraphs");
    f.bytes = b.finish();
    f.buffers = 3; // sentinel + then/weights + else/weights
    ExpectedSubgraph main;
    main.name = S("main");
    main.inputs = { 0, 1 };
    main.outputs = { 2 };
    main.tensorCount = 3;
    main.tensors = {
        T(0, "cond", DataType::Bool, {}, 1, 1),
        T(1, "x", DataType::Float32, { 1, 4 }, 4, 16),
        T(2, "y", DataType::Float32, { 1, 2 }, 2, 8),
    };
    ExpectedOperator op = Op("IF", kIf, { 0, 1 }, { 2 }, "y", 0, 0, 0, 8);
    op.calledSubgraphs = { 1, 2 };
    op.options = { opt("then_subgraph_index", 1), opt("else_subgraph_index", 2) };
    main.operators = { op };
    main.largestActivationBytes = 16;
    main.largestActivationTensor = 1;
    f.subgraphs = { main };
    for (int i = 0; i < 2; ++i) {
        ExpectedSubgraph branch;
        branch.name = S(i == 0 ? "then" : "else");
        branch.inputs = { 0 };
        branch.outputs = { 2 };
        branch.tensorCount = 3;
        ExpectedTensor w = T(1, "", DataType::Float32, { 2, 4 }, 8, 32).constant(1 + i);
        w.name = branch.name + QStringLiteral("/weights");
        branch.tensors
            = { T(0, "x", DataType::Float32, { 1, 4 }, 4, 16), w, T(2, "y", DataType::Float32, { 1, 2 }, 2, 8) };
        // 2 outputs x K 4 = 8 MACs; params 8; weight bytes 8 x 4 = 32; output 2 x 4 = 8.
        branch.operators = { Op("FULLY_CONNECTED", kFullyConnected, { 0, 1, -1 }, { 2 }, "y", 8, 32, 8, 8) };
        branch.params = 8;
        branch.weightBytes = 32;
        branch.macs = 8;
        branch.largestActivationBytes = 16;
        branch.largestActivationTensor = 0;
        f.subgraphs.push_back(branch);
    }
    return f;
}

// ---- malformed models --------------------------------------------------------------------------------------------

struct BaseIds
{
    int input = -1;
    int weights = -1;
    int bias = -1;
    int output = -1;
    int conv = -1;
};

/** A 1x1 CONV_2D int8 model; `damage` may spoil it before it is written. */
QByteArray baseModel(const std::function<void(TfliteBuilder&, const BaseIds&)>& damage = {})
{
    TfliteBuilder b;
    BaseIds ids;
    ids.input = b.addTensor(S("input"), DataType::Int8, { 1, 4, 4, 2 });
    ids.weights = b.addConstant(S("conv/weights"), DataType::Int8, { 3, 1, 1, 2 }, filler(6, 20));
    ids.bias = b.addConstant(S("conv/bias"), DataType::Int32, { 3 }, int32s({ 1, 2, 3 }));
    ids.output = b.addTensor(S("conv/output"), DataType::Int8, { 1, 4, 4, 3 });
    ids.conv = b.addConv2D({ ids.input, ids.weights, ids.bias }, { ids.output });
    b.setInputs({ ids.input });
    b.setOutputs({ ids.output });
    if (damage)
        damage(b, ids);
    return b.finish();
}

/** A model whose `shape` is spoilt on the conv output (the only place a reader must compute elements). */
QByteArray badShapeModel(const std::vector<std::int32_t>& shape)
{
    TfliteBuilder b;
    const int input = b.addTensor(S("input"), DataType::Int8, { 1, 4, 4, 2 });
    const int weights = b.addConstant(S("conv/weights"), DataType::Int8, { 3, 1, 1, 2 }, filler(6, 20));
    const int output = b.addTensor(S("conv/output"), DataType::Int8, shape);
    b.addConv2D({ input, weights, -1 }, { output });
    b.setInputs({ input });
    b.setOutputs({ output });
    return b.finish();
}

QByteArray randomBytes(qsizetype count, std::uint64_t seed)
{
    QByteArray bytes(count, Qt::Uninitialized);
    for (qsizetype i = 0; i < count; ++i)
        bytes[i] = static_cast<char>(splitMix(seed) & 0xff);
    return bytes;
}

MalformedModel malformed(const char* name, QByteArray bytes, bool structural, QStringList hints)
{
    return { S(name), std::move(bytes), structural, std::move(hints) };
}

} // namespace

std::vector<Fixture> allFixtures()
{
    return { conv2dInt8(), depthwiseStride2(), fullyConnectedFloat(), transposeConv(), batchMatMul(), twoBranches(),
        controlFlow(), oddTensors(), customOps(), opcodeStyles(), lstm(), svdf(), dataMovement(), ifThenElse() };
}

std::vector<MalformedModel> malformedModels()
{
    const QByteArray valid = baseModel();
    const QStringList damaged { S("verification"), S("truncated"), S("corrupt"), S("invalid"), S("damaged"),
        S("starts at byte"), S("too small"), S("past the end") };

    std::vector<MalformedModel> list;
    list.push_back(malformed("empty file", QByteArray(), true, { S("empty") }));
    list.push_back(malformed("3 bytes", valid.left(3), true, { S("too small"), S("too short"), S("truncated") }));
    QByteArray wrongId = valid;
    wrongId.replace(4, 4, "ABCD");
    list.push_back(malformed("wrong identifier", wrongId, true, { S("TFL3"), S("identifier") }));
    list.push_back(malformed(
        "random bytes", randomBytes(4096, 20261126), true, damaged + QStringList { S("TFL3"), S("identifier") }));
    QByteArray noise = randomBytes(4096, 77);
    noise.replace(4, 4, "TFL3");
    list.push_back(malformed("random bytes behind TFL3", noise, true, damaged));
    list.push_back(malformed("truncated to 8 bytes", valid.left(8), true, damaged));
    list.push_back(malformed("truncated to a quarter", valid.left(valid.size() / 4), true, damaged));
    list.push_back(malformed("truncated to half", valid.left(valid.size() / 2), true, damaged));
    list.push_back(malformed("truncated by 16 bytes", valid.left(valid.size() - 16), true, damaged));
    list.push_back(malformed("truncated by 1 byte", valid.left(valid.size() - 1), true, damaged));

    // The flatbuffers verifier accepts these: only a reader that checks references catches them.
    list.push_back(malformed("tensor index out of range", baseModel([](TfliteBuilder& b, const BaseIds& ids) {
        b.addConv2D({ 99, ids.weights, ids.bias }, { ids.output });
    }),
        false, { S("99") }));
    list.push_back(malformed("negative tensor index", baseModel([](TfliteBuilder& b, const BaseIds& ids) {
        b.addConv2D({ -2, ids.weights, ids.bias }, { ids.output });
    }),
        false, { S("-2") }));
    list.push_back(malformed("operator output -1", baseModel([](TfliteBuilder& b, const BaseIds& ids) {
        b.addConv2D({ ids.input, ids.weights, ids.bias }, { -1 });
    }),
        false, { S("-1") }));
    list.push_back(malformed("opcode index out of range",
        baseModel([](TfliteBuilder& b, const BaseIds& ids) { b.setOpcodeIndex(ids.conv, 77); }), false, { S("77") }));
    list.push_back(malformed("buffer index out of range",
        baseModel([](TfliteBuilder& b, const BaseIds& ids) { b.setTensorBuffer(ids.weights, 4242); }), false,
        { S("4242") }));
    list.push_back(malformed("negative dimension", badShapeModel({ 1, 4, -4, 3 }), false, { S("-4"), S("negative") }));
    // 2147483647^3 x 3 is about 2.8e28, far beyond int64's 9.2e18.
    list.push_back(
        malformed("dimension product overflows int64", badShapeModel({ 2147483647, 2147483647, 2147483647, 3 }), false,
            { S("overflow"), S("too large"), S("2147483647") }));
    list.push_back(malformed("subgraph input out of range",
        baseModel([](TfliteBuilder& b, const BaseIds&) { b.setInputs({ 98 }); }), false, { S("98") }));
    list.push_back(malformed("subgraph output out of range",
        baseModel([](TfliteBuilder& b, const BaseIds&) { b.setOutputs({ 97 }); }), false, { S("97") }));
    list.push_back(malformed("CALL_ONCE subgraph out of range",
        baseModel([](TfliteBuilder& b, const BaseIds&) { b.addCallOnce(55); }), false, { S("55") }));
    list.push_back(malformed("block scales tensor out of range", baseModel([](TfliteBuilder& b, const BaseIds& ids) {
        b.setQuantization(ids.weights, TfliteBuilder::blockwise(66, 2));
    }),
        false, { S("66") }));
    return list;
}

// ---- independent checks of written files ---------------------------------------------------------------------------

bool passesVerifier(const QByteArray& bytes)
{
    if (bytes.isEmpty())
        return false;
    flatbuffers::Verifier verifier(
        reinterpret_cast<const std::uint8_t*>(bytes.constData()), static_cast<std::size_t>(bytes.size()));
    return tflfb::VerifyModelBuffer(verifier);
}

QString checkWrittenFile(const QByteArray& bytes)
{
    if (!passesVerifier(bytes))
        return S("the flatbuffers verifier rejects the file");
    const auto* base = reinterpret_cast<const std::uint8_t*>(bytes.constData());
    if (!tflfb::ModelBufferHasIdentifier(base))
        return S("no TFL3 identifier");
    const tflfb::Model* model = tflfb::GetModel(base);
    if (model->version() != 3)
        return QStringLiteral("version %1 instead of 3").arg(model->version());
    const auto* buffers = model->buffers();
    if (!buffers || buffers->size() == 0)
        return S("no buffers: buffer 0 must be the empty sentinel");
    if (buffers->Get(0)->data() && buffers->Get(0)->data()->size() > 0)
        return S("buffer 0 holds data");
    for (flatbuffers::uoffset_t i = 0; i < buffers->size(); ++i) {
        const auto* data = buffers->Get(i)->data();
        if (!data || data->size() == 0)
            continue;
        const auto offset = data->Data() - base;
        if (offset % 16 != 0)
            return QStringLiteral("the data of buffer %1 starts at byte %2, not 16-byte aligned").arg(i).arg(offset);
    }
    if (const auto* codes = model->operator_codes()) {
        for (flatbuffers::uoffset_t i = 0; i < codes->size(); ++i) {
            const auto* c = codes->Get(i);
            const int modern = static_cast<int>(c->builtin_code());
            // Modern entries keep both fields consistent; legacy entries leave builtin_code at 0.
            if (modern != 0 && c->deprecated_builtin_code() != std::min(modern, 127))
                return QStringLiteral("operator code %1: deprecated_builtin_code %2 for builtin_code %3")
                    .arg(i)
                    .arg(c->deprecated_builtin_code())
                    .arg(modern);
        }
    }
    return {};
}

std::vector<WrittenOpcode> writtenOpcodes(const QByteArray& bytes)
{
    std::vector<WrittenOpcode> out;
    if (!passesVerifier(bytes))
        return out;
    const tflfb::Model* model = tflfb::GetModel(bytes.constData());
    if (!model->operator_codes())
        return out;
    for (const auto* c : *model->operator_codes()) {
        WrittenOpcode w;
        w.deprecatedBuiltinCode = c->deprecated_builtin_code();
        w.builtinCode = static_cast<int>(c->builtin_code());
        if (c->custom_code())
            w.customCode = QString::fromUtf8(c->custom_code()->c_str());
        w.version = c->version();
        out.push_back(w);
    }
    return out;
}

// ---- the bundled example --------------------------------------------------------------------------------------------

QString exampleModelPath()
{
    return QStringLiteral(TINYSCOPE_EXAMPLE_MODEL);
}

QString makeExamplesTool()
{
    return QStringLiteral(TINYSCOPE_MAKE_EXAMPLES);
}

Fixture exampleModelFixture()
{
    Fixture f;
    f.name = S("example: DS-CNN keyword spotter");
    QFile file(exampleModelPath());
    if (file.open(QIODevice::ReadOnly))
        f.bytes = file.readAll();
    f.description = S("TinyScope example: DS-CNN keyword spotter (random weights)");
    f.buffers = 37; // sentinel + one per tensor (35, activations get empty ones) + min_runtime_version
    f.metadata = { S("min_runtime_version") };
    Profiler::SignatureDef sig;
    sig.key = S("serving_default");
    sig.subgraph = 0;
    sig.inputs = { sigTensor("input_1", 0) };
    sig.outputs = { sigTensor("softmax", 34) };
    f.signatures = { sig };

    ExpectedSubgraph sg;
    sg.name = S("main");
    sg.inputs = { 0 };
    sg.outputs = { 34 };
    // input; conv1 weights, bias, out; 4 x (dw weights, bias, out, pw weights, bias, out); pool out;
    // reshape shape, out; fc weights, bias, out; softmax out = 1 + 3 + 24 + 1 + 2 + 3 + 1 = 35
    sg.tensorCount = 35;
    sg.tensors = {
        T(0, "serving_default_input_1:0", DataType::Int8, { 1, 49, 10, 1 }, 490, 490)
            .signature({ -1, 49, 10, 1 })
            .perTensor(),
        T(1, "conv1/weights", DataType::Int8, { 64, 10, 4, 1 }, 2560, 2560).constant(2).perChannel(64, 0),
        T(2, "conv1/bias", DataType::Int32, { 64 }, 64, 256).constant(3).perChannel(64, 0),
        T(3, "ds_cnn/conv1/Relu", DataType::Int8, { 1, 25, 5, 64 }, 8000, 8000)
            .signature({ -1, 25, 5, 64 })
            .perTensor(),
        T(4, "dw_conv1/depthwise_weights", DataType::Int8, { 1, 3, 3, 64 }, 576, 576).constant(5).perChannel(64, 3),
        T(7, "pw_conv1/weights", DataType::Int8, { 64, 1, 1, 64 }, 4096, 4096).constant(8).perChannel(64, 0),
        T(28, "ds_cnn/avg_pool/AvgPool", DataType::Int8, { 1, 1, 1, 64 }, 64, 64)
            .signature({ -1, 1, 1, 64 })
            .perTensor(),
        T(29, "ds_cnn/flatten/Const", DataType::Int32, { 2 }, 2, 8).constant(30),
        T(31, "fc/weights", DataType::Int8, { 12, 64 }, 768, 768).constant(32).perTensor(),
        T(34, "StatefulPartitionedCall:0", DataType::Int8, { 1, 12 }, 12, 12).signature({ -1, 12 }).perTensor(),
    };

    // conv1: 10x4 stride 2 SAME on 49x10 -> 25x5x64 = 8000 outputs; MACs = 8000 x 10 x 4 x 1 = 320,000;
    //        params = 64*10*4*1 + 64 = 2624; bytes = 2560 + 256 = 2816.
    ExpectedOperator conv1 = Op("CONV_2D", kConv2D, { 0, 1, 2 }, { 3 }, "ds_cnn/conv1/Relu", 2624, 2816, 320000, 8000);
    conv1.version = 3;
    conv1.options = { opt("padding", S("SAME")), opt("stride_w", 2), opt("stride_h", 2),
        opt("fused_activation_function", S("RELU")) };
    sg.operators = { conv1 };
    for (int i = 0; i < 4; ++i) {
        const int in = 3 + 6 * i; // the block's input activation
        // depthwise 3x3: MACs = 8000 x 9 = 72,000; params = 9*64 + 64 = 640; bytes = 576 + 256 = 832.
        ExpectedOperator dw
            = Op("DEPTHWISE_CONV_2D", kDepthwiseConv2D, { in, in + 1, in + 2 }, { in + 3 }, "", 640, 832, 72000, 8000);
        dw.name = QStringLiteral("ds_cnn/dw_conv%1/Relu").arg(i + 1);
        dw.version = 3;
        // pointwise 1x1, 64 -> 64: MACs = 8000 x 64 = 512,000; params = 4096 + 64 = 4160; bytes = 4096 + 256 = 4352.
        ExpectedOperator pw
            = Op("CONV_2D", kConv2D, { in + 3, in + 4, in + 5 }, { in + 6 }, "", 4160, 4352, 512000, 8000);
        pw.name = QStringLiteral("ds_cnn/pw_conv%1/Relu").arg(i + 1);
        pw.version = 3;
        sg.operators.push_back(dw);
        sg.operators.push_back(pw);
    }
    ExpectedOperator pool
        = Op("AVERAGE_POOL_2D", kAveragePool2D, { 27 }, { 28 }, "ds_cnn/avg_pool/AvgPool", 0, 0, 0, 64);
    pool.version = 2;
    pool.options = { opt("padding", S("VALID")), opt("filter_width", 5), opt("filter_height", 25) };
    sg.operators.push_back(pool);
    // RESHAPE's shape operand: 2 int32 = 8 bytes.
    sg.operators.push_back(Op("RESHAPE", kReshape, { 28, 29 }, { 30 }, "ds_cnn/flatten/Reshape", 2, 8, 0, 64));
    // fc: MACs = 12 x 64 = 768; params = 768 + 12 = 780; bytes = 768 + 48 = 816.
    ExpectedOperator fc
        = Op("FULLY_CONNECTED", kFullyConnected, { 30, 31, 32 }, { 33 }, "ds_cnn/fc/BiasAdd", 780, 816, 768, 12);
    fc.version = 4;
    sg.operators.push_back(fc);
    ExpectedOperator softmax = Op("SOFTMAX", kSoftmax, { 33 }, { 34 }, "StatefulPartitionedCall:0", 0, 0, 0, 12);
    softmax.version = 2;
    sg.operators.push_back(softmax);

    // Totals: params = 2624 + 4 x (640 + 4160) + 2 + 780 = 22,606;
    //         bytes  = 2816 + 4 x (832 + 4352) + 8 + 816 = 24,376;
    //         MACs   = 320,000 + 4 x (72,000 + 512,000) + 768 = 2,656,768 (MLPerf Tiny quotes the same for DS-CNN).
    sg.params = 22606;
    sg.weightBytes = 24376;
    sg.macs = 2656768;
    sg.largestActivationBytes = 8000;
    sg.largestActivationTensor = -2; // nine 8000-byte activations tie; which one is reported is not specified
    f.subgraphs = { sg };
    return f;
}

} // namespace TestHelpers
