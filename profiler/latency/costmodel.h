// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"

#include <cstdint>
#include <vector>

namespace Profiler {

/*
 * A deliberately simple latency model for a Cortex-M class core, used by the simulated board (and nowhere as a
 * claim about real hardware): cycles = fixed overhead + MACs x cycles per MAC (by data type: int8 with SIMD
 * kernels, float32 with the FPU, others) + bytes moved (inputs read, output written) x cycles per byte.
 * Constants and their rationale: docs/simulated-board.md.
 */
struct CostModelParams
{
    double fixedCycles = 1500; ///< per operator invocation (dispatch, parameter setup)
    double int8CyclesPerMac = 0.9; ///< optimised int8 kernels (dual 16-bit MAC per cycle, with overhead)
    double floatCyclesPerMac = 4.0; ///< single-precision FPU, reference kernels
    double otherCyclesPerMac = 3.0; ///< int16, mixed, hybrid
    double cyclesPerByte = 0.6; ///< elementwise and data movement: per input byte read and output byte written
};

/** Which per-MAC rate of CostModelParams an operator is charged at. */
enum class CostDataType {
    Int8, ///< int8/uint8 activations with int8/uint8 (or no) weights
    Float32, ///< float32 activations with float32 (or no) weights
    Other, ///< int16 activations, hybrid (float activations, integer weights), anything else
};

/** The rate class of `op`: decided by its first non-constant input (its output when it has none) and, when it has
 *  constant inputs of another type, by those. */
CostDataType costDataType(const Operator& op, const Subgraph& subgraph);

/** Bytes `op` touches once: every input tensor (activations, weights, biases) plus every non-constant output. */
std::int64_t costBytesMoved(const Operator& op, const Subgraph& subgraph);

/** Estimated CPU cycles of every operator of `subgraph`, in execution order (operator index order). Empty when the
 *  subgraph does not exist. */
std::vector<double> estimateOperatorCycles(
    const ModelDocument& document, int subgraph = 0, const CostModelParams& params = {});

} // namespace Profiler
