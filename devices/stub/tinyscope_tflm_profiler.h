// SPDX-License-Identifier: GPL-3.0-or-later
// TinyScope profiler for TensorFlow Lite Micro: streams TFLM's per-operator events through the TinyScope stub.
//
//     static ts_stub stub;                       // ts_stub_init(&stub, &config) once at boot
//     static tinyscope::TflmProfiler profiler(&stub);
//     tflite::MicroInterpreter interpreter(model, resolver, arena, kArenaSize, nullptr, &profiler);   // the one line
//     ...
//     while (ts_stub_should_run(&stub)) {
//         profiler.BeginRun();
//         interpreter.Invoke();
//         profiler.EndRun();
//     }
//
// Define TINYSCOPE_TFLM_PROFILER_NO_TFLM_INCLUDE when tflite::MicroProfilerInterface is declared elsewhere (the
// tests provide a stand-in with the same two virtual functions).
#ifndef TINYSCOPE_TFLM_PROFILER_H
#define TINYSCOPE_TFLM_PROFILER_H

#include "tinyscope_stub.h"

#include <cstdint>
#include <cstring>

#ifndef TINYSCOPE_TFLM_PROFILER_NO_TFLM_INCLUDE
#include "tensorflow/lite/micro/micro_profiler_interface.h"
#endif

namespace tinyscope {

/** TFLite BuiltinOperator code of a TFLM event tag (TFLM tags an operator's event with its registration name, the
 *  schema's enum name, e.g. "CONV_2D"), or TS_OP_UNKNOWN for anything else (custom operators, other events). */
inline uint16_t tflmOpCode(const char* tag)
{
    struct Entry
    {
        const char* name;
        uint16_t code;
    };
    // Codes are the BuiltinOperator values of the TFLite schema (profiler/tflite/schema/tflite.fbs).
    static const Entry kOps[] = {
        { "ADD", 0 },
        { "AVERAGE_POOL_2D", 1 },
        { "CONCATENATION", 2 },
        { "CONV_2D", 3 },
        { "DEPTHWISE_CONV_2D", 4 },
        { "DEQUANTIZE", 6 },
        { "FULLY_CONNECTED", 9 },
        { "L2_NORMALIZATION", 11 },
        { "LOGISTIC", 14 },
        { "MAX_POOL_2D", 17 },
        { "MUL", 18 },
        { "RELU", 19 },
        { "RELU6", 21 },
        { "RESHAPE", 22 },
        { "RESIZE_BILINEAR", 23 },
        { "SOFTMAX", 25 },
        { "SVDF", 27 },
        { "TANH", 28 },
        { "PAD", 34 },
        { "GATHER", 36 },
        { "TRANSPOSE", 39 },
        { "MEAN", 40 },
        { "SUB", 41 },
        { "DIV", 42 },
        { "SQUEEZE", 43 },
        { "UNIDIRECTIONAL_SEQUENCE_LSTM", 44 },
        { "STRIDED_SLICE", 45 },
        { "EXP", 47 },
        { "SPLIT", 49 },
        { "LOG_SOFTMAX", 50 },
        { "CAST", 53 },
        { "PRELU", 54 },
        { "MAXIMUM", 55 },
        { "ARG_MAX", 56 },
        { "MINIMUM", 57 },
        { "PADV2", 60 },
        { "SLICE", 65 },
        { "TRANSPOSE_CONV", 67 },
        { "EXPAND_DIMS", 70 },
        { "SUM", 74 },
        { "RSQRT", 76 },
        { "SHAPE", 77 },
        { "PACK", 83 },
        { "UNPACK", 88 },
        { "REDUCE_MAX", 82 },
        { "RESIZE_NEAREST_NEIGHBOR", 97 },
        { "LEAKY_RELU", 98 },
        { "SPLIT_V", 102 },
        { "QUANTIZE", 114 },
        { "HARD_SWISH", 117 },
        { "IF", 118 },
        { "WHILE", 119 },
        { "BATCH_MATMUL", 126 },
        { "CALL_ONCE", 129 },
        { "BROADCAST_TO", 130 },
    };
    if (tag == nullptr)
        return TS_OP_UNKNOWN;
    for (const Entry& e : kOps) {
        if (std::strcmp(e.name, tag) == 0)
            return e.code;
    }
    return TS_OP_UNKNOWN;
}

/**
 * A tflite::MicroProfilerInterface that reports each operator TFLM runs as one TinyScope layer: layer index = the
 * order of the operator's BeginEvent within the run, op code from its tag (the tag text itself is sent only when
 * the code is not known). Events that begin while a layer is open (an operator running a subgraph, a kernel that
 * profiles its own parts) are nested: their time is part of the open layer and they send nothing. Events outside
 * BeginRun()/EndRun(), or after the host stopped the run, send nothing either.
 */
class TflmProfiler : public tflite::MicroProfilerInterface
{
public:
    explicit TflmProfiler(ts_stub* stub)
        : m_stub(stub)
    { }

    /** Starts a run (ts_stub_run_begin) and restarts the layer count. */
    void BeginRun()
    {
        m_nextLayer = 0;
        m_open = false;
        ts_stub_run_begin(m_stub);
    }

    /** Ends the run (ts_stub_run_end). */
    void EndRun()
    {
        m_open = false;
        ts_stub_run_end(m_stub);
    }

    /** Layers begun in the current run. */
    uint16_t layersThisRun() const { return m_nextLayer; }

    uint32_t BeginEvent(const char* tag) override
    {
        if (m_open || !ts_stub_in_run(m_stub))
            return kIgnored;
        const uint16_t index = m_nextLayer++;
        const uint16_t op = tflmOpCode(tag);
        m_open = true;
        m_openIndex = index;
        ts_stub_layer_begin(m_stub, index, op, op == TS_OP_UNKNOWN ? tag : nullptr);
        return index;
    }

    void EndEvent(uint32_t event_handle) override
    {
        if (event_handle == kIgnored || !m_open || event_handle != m_openIndex)
            return;
        m_open = false;
        ts_stub_layer_end(m_stub, m_openIndex);
    }

private:
    static constexpr uint32_t kIgnored = 0xFFFFFFFFu; ///< handle of a nested or out-of-run event

    ts_stub* m_stub;
    uint16_t m_nextLayer = 0;
    uint16_t m_openIndex = 0;
    bool m_open = false;
};

} // namespace tinyscope

#endif // TINYSCOPE_TFLM_PROFILER_H
