// SPDX-License-Identifier: GPL-3.0-or-later
// tinyscope: the desktop application. Wiring only; the views live in widgets/, the numbers in profiler/.
#include "mainwindow.h"
#include "messagebanner.h"
#include "selectionhub.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>
#include <memory>
#include <optional>

namespace {

void nameApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("TinyScope"));
    QCoreApplication::setApplicationName(QStringLiteral("TinyScope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TINYSCOPE_VERSION));
}

struct Options {
    QCommandLineOption select { QStringLiteral("select"),
        QStringLiteral("Select operator <n> of the main graph once the model is open."), QStringLiteral("n") };
    QCommandLineOption simulated { QStringLiteral("simulated-board"),
        QStringLiteral("Profile the model (the bundled example when none is given) on a simulated board, with runs "
                       "streaming until stopped.") };
};

void describe(QCommandLineParser& parser, const Options& options)
{
    parser.setApplicationDescription(QStringLiteral("Profiler and visualizer for TinyML models."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("A .tflite model to open."), QStringLiteral("[model]"));
    parser.addOption(options.select);
    parser.addOption(options.simulated);
}

/** Whether the command line only asks for the help text or the version, which need no screen. */
bool asksOnlyForText(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "-?" || arg == "--help-all" || arg == "-v" || arg == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    const Options options;
    if (asksOnlyForText(argc, argv)) {
        // Answered without a window system, so that `tinyscope --help` works over ssh too.
        QCoreApplication core(argc, argv);
        nameApplication();
        QCommandLineParser parser;
        describe(parser, options);
        parser.process(core); // prints and exits
        return 0;
    }

#if defined(Q_OS_LINUX)
    // Without a screen Qt would stop with a message about platform plugins; say what is missing instead.
    bool platformChosen = qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
    for (int i = 1; i < argc; ++i)
        platformChosen = platformChosen || QByteArray(argv[i]) == "-platform";
    if (!platformChosen && qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        std::fprintf(stderr,
            "tinyscope: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset).\n"
            "Without one, tinyscope-cli does the same work from the command line (tinyscope-cli --help).\n");
        return 1;
    }
#endif

    QApplication app(argc, argv);
    nameApplication();
    QApplication::setDesktopFileName(QStringLiteral("tinyscope"));
    QCommandLineParser parser;
    describe(parser, options);
    parser.process(app);
    std::optional<int> selectOp;
    if (parser.isSet(options.select)) {
        bool ok = false;
        const int op = parser.value(options.select).toInt(&ok);
        if (!ok || op < 0) {
            std::fprintf(stderr, "tinyscope: --select %s: not an operator number (0, 1, 2, ...)\n",
                qPrintable(parser.value(options.select)));
            return 2;
        }
        selectOp = op;
    }

    MainWindow window;
    window.show();
    if (selectOp) {
        const int op = *selectOp;
        QObject::connect(
            &window, &MainWindow::documentShown, &window,
            [&window, op] {
                const Profiler::ModelDocumentPtr document = window.document();
                const int count = document && !document->model.subgraphs.empty()
                    ? static_cast<int>(document->model.subgraphs[0].operators.size())
                    : 0;
                if (op < count) {
                    window.selectionHub()->selectOperator(0, op);
                } else {
                    window.banner()->showMessage(Widgets::MessageBanner::Severity::Warning,
                        QObject::tr("--select %1: the main graph has %2 operators (0 to %3)")
                            .arg(op)
                            .arg(count)
                            .arg(count - 1));
                }
            },
            Qt::QueuedConnection);
    }
    const QStringList models = parser.positionalArguments();
    const bool simulated = parser.isSet(options.simulated);
    if (simulated) {
        // Once, for the model opened now: a model opened later starts without a board.
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = QObject::connect(
            &window, &MainWindow::documentShown, &window,
            [&window, connection] {
                QObject::disconnect(*connection);
                window.connectSimulatedBoard(0);
            },
            Qt::QueuedConnection);
    }
    if (!models.isEmpty())
        window.openModel(models.first());
    else
        window.openStartModel(simulated);
    return app.exec();
}
