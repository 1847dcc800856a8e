// SPDX-License-Identifier: GPL-3.0-or-later
#include "categorycolors.h"

#include "heatscale.h"

#include <QApplication>
#include <QPalette>

#include <algorithm>

namespace Widgets {

using Profiler::OpCategory;

QColor categoryColor(OpCategory category, bool dark)
{
    // Hues chosen so that the common TinyML operators (convolution, dense, pooling, element-wise) differ clearly.
    int hue = 0;
    int saturation = 110;
    switch (category) {
    case OpCategory::Convolution: hue = 210; break;
    case OpCategory::FullyConnected: hue = 265; break;
    case OpCategory::Recurrent: hue = 300; break;
    case OpCategory::Pooling: hue = 150; break;
    case OpCategory::Activation: hue = 35; break;
    case OpCategory::Elementwise: hue = 10; break;
    case OpCategory::Normalization: hue = 330; break;
    case OpCategory::Reduction: hue = 120; break;
    case OpCategory::Reshape: hue = 190; saturation = 40; break;
    case OpCategory::Quantization: hue = 55; break;
    case OpCategory::ControlFlow: hue = 0; saturation = 0; break;
    case OpCategory::Resource: hue = 80; saturation = 50; break;
    case OpCategory::Signal: hue = 170; break;
    case OpCategory::Custom: hue = 0; saturation = 160; break;
    case OpCategory::Other: hue = 0; saturation = 0; break;
    }
    return dark ? QColor::fromHsv(hue, std::min(255, saturation + 40), 120) : QColor::fromHsv(hue, saturation / 2 + 20, 245);
}

QString categoryLabel(OpCategory category)
{
    switch (category) {
    case OpCategory::Convolution: return QStringLiteral("Convolution");
    case OpCategory::FullyConnected: return QStringLiteral("Fully connected");
    case OpCategory::Recurrent: return QStringLiteral("Recurrent");
    case OpCategory::Pooling: return QStringLiteral("Pooling");
    case OpCategory::Activation: return QStringLiteral("Activation");
    case OpCategory::Elementwise: return QStringLiteral("Element-wise");
    case OpCategory::Normalization: return QStringLiteral("Normalization");
    case OpCategory::Reduction: return QStringLiteral("Reduction");
    case OpCategory::Reshape: return QStringLiteral("Reshape / data movement");
    case OpCategory::Quantization: return QStringLiteral("Quantization");
    case OpCategory::ControlFlow: return QStringLiteral("Control flow");
    case OpCategory::Resource: return QStringLiteral("Resource");
    case OpCategory::Signal: return QStringLiteral("Signal");
    case OpCategory::Custom: return QStringLiteral("Custom");
    case OpCategory::Other: return QStringLiteral("Other");
    }
    return {};
}

bool paletteIsDark()
{
    const QPalette p = QApplication::palette();
    return p.color(QPalette::Window).lightness() < p.color(QPalette::WindowText).lightness();
}

QColor heatColor(double share)
{
    return heatScaleColor(share);
}

} // namespace Widgets
