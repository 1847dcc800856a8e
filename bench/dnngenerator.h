// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace Bench {

/** A large DNN-like int8 .tflite model with exactly `operators` operators (at least 4): a stem, then a random mix of
 *  plain chains, residual blocks, MobileNetV2-style inverted residuals, inception-style 4-way branches joined by a
 *  concatenation, DenseNet-style concatenations with an earlier block of the same size, strided downsampling and
 *  FPN-style upsampling with a lateral connection, then a classifier head. Weights of one shape share one buffer, so
 * 50k operators stay at a few tens of MB. The same arguments give the same bytes. */
QByteArray generateDnnModel(int operators, quint32 seed);

} // namespace Bench
