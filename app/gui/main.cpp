// SPDX-License-Identifier: GPL-3.0-or-later
// tinyscope: the desktop application. Wiring only; the views live in widgets/, the numbers in profiler/.
#include "mainwindow.h"
#include "selectionhub.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

#include <memory>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("TinyScope"));
    QApplication::setApplicationName(QStringLiteral("TinyScope"));
    QApplication::setApplicationVersion(QStringLiteral(TINYSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("tinyscope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Profiler and visualizer for TinyML models."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("A .tflite model to open."), QStringLiteral("[model]"));
    const QCommandLineOption selectOpt(QStringLiteral("select"),
        QStringLiteral("Select operator <n> of the main graph once the model is open."), QStringLiteral("n"));
    parser.addOption(selectOpt);
    const QCommandLineOption simulatedOpt(QStringLiteral("simulated-board"),
        QStringLiteral("Profile the model (the bundled example when none is given) on a simulated board, with runs "
                       "streaming until stopped."));
    parser.addOption(simulatedOpt);
    parser.process(app);

    MainWindow window;
    window.show();
    if (parser.isSet(selectOpt)) {
        const int op = parser.value(selectOpt).toInt();
        QObject::connect(&window, &MainWindow::documentShown, &window,
            [&window, op] { window.selectionHub()->selectOperator(0, op); }, Qt::QueuedConnection);
    }
    const QStringList models = parser.positionalArguments();
    const bool simulated = parser.isSet(simulatedOpt);
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
    QSettings settings;
    if (!models.isEmpty()) {
        window.openModel(models.first());
    } else if (simulated || !settings.value(QStringLiteral("files/exampleShown")).toBool()
        || window.recentFiles().isEmpty()) {
        // First start (or nothing opened yet): show the bundled example so there is something to explore.
        settings.setValue(QStringLiteral("files/exampleShown"), true);
        window.openModel(MainWindow::exampleModelPath());
    } else {
        window.openModel(window.recentFiles().first());
    }
    return app.exec();
}
