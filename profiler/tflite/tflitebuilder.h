// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Placeholder: the builder is being written (see tflitebuilder.cpp).
