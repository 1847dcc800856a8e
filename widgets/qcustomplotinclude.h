// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Include this instead of <qcustomplot.h>, from .cpp files only: it is a 7,700-line header.
// qcustomplot.h iterates with `foreach` in two templates, and QT_NO_FOREACH (house style) removes that keyword:
// spell it as a range-for while the header is read.
#ifndef foreach
#define foreach(declaration, container) for (declaration : container)
#define TINYSCOPE_QCP_FOREACH
#endif
#include <qcustomplot.h>
#ifdef TINYSCOPE_QCP_FOREACH
#undef foreach
#undef TINYSCOPE_QCP_FOREACH
#endif
