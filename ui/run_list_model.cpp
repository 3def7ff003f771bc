#include "ui/run_list_model.h"

#include "ui/formatting.h"
#include "ui/run_files.h"

namespace vlmscope {

namespace {

// "builtin", "tiny", or the checkpoint folder's name: short enough for legends.
QString shortModelName(const RunRecord& r)
{
    std::string name = r.settings.model;
    if (name != "builtin" && name != "tiny") {
        name = !r.model.source.empty() ? r.model.source : (!r.model.name.empty() ? r.model.name : r.settings.model);
        while (name.size() > 1 && name.back() == '/')
            name.pop_back();
        const std::size_t slash = name.find_last_of('/');
        if (slash != std::string::npos && slash + 1 < name.size())
            name = name.substr(slash + 1);
    }
    return QString::fromStdString(name.empty() ? std::string("run") : name);
}

} // namespace

RunListModel::RunListModel(QObject* parent) : QAbstractListModel(parent) {}

int RunListModel::addRun(const RunRecord& record, const QString& origin, bool checked)
{
    return addRun(std::make_shared<const RunRecord>(record), origin, checked);
}

int RunListModel::addRun(std::shared_ptr<const RunRecord> record, const QString& origin, bool checked)
{
    if (!record)
        return -1;
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_entries.push_back({std::move(record), nullptr, origin, checked, m_nextNumber++});
    endInsertRows();
    if (checked)
        Q_EMIT checkedRunsChanged();
    return row;
}

int RunListModel::addExternalRun(const ExternalRun& external, const QString& origin, bool checked)
{
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_entries.push_back({std::make_shared<const RunRecord>(recordFromExternal(external)),
                         std::make_shared<const ExternalRun>(external), origin, checked, m_nextNumber++});
    endInsertRows();
    if (checked)
        Q_EMIT checkedRunsChanged();
    return row;
}

void RunListModel::removeRun(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    const bool wasChecked = m_entries[static_cast<std::size_t>(row)].checked;
    beginRemoveRows({}, row, row);
    m_entries.erase(m_entries.begin() + row);
    endRemoveRows();
    if (wasChecked)
        Q_EMIT checkedRunsChanged();
}

void RunListModel::clear()
{
    if (m_entries.empty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
    Q_EMIT checkedRunsChanged();
}

QString RunListModel::label(int row) const
{
    const Entry& e = m_entries[static_cast<std::size_t>(row)];
    if (e.external)
        return QStringLiteral("#%1 %2").arg(e.number).arg(externalLabel(*e.external));
    return QStringLiteral("#%1 %2").arg(e.number).arg(shortModelName(*e.record));
}

void RunListModel::setChecked(int row, bool checked)
{
    if (row < 0 || row >= rowCount() || m_entries[static_cast<std::size_t>(row)].checked == checked)
        return;
    m_entries[static_cast<std::size_t>(row)].checked = checked;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {Qt::CheckStateRole});
    Q_EMIT checkedRunsChanged();
}

std::vector<int> RunListModel::checkedRows() const
{
    std::vector<int> rows;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].checked)
            rows.push_back(static_cast<int>(i));
    }
    return rows;
}

int RunListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

QString RunListModel::summary(const Entry& e) const
{
    // Two short lines: which run, then how it went.
    const RunRecord& r = *e.record;
    if (e.external) {
        QString second = QStringLiteral("%1 · decode %2").arg(QString::fromStdString(r.model.name), formatRate(r.metrics.outputTps));
        if (!e.origin.isEmpty())
            second += QStringLiteral(" · %1").arg(e.origin);
        return QStringLiteral("#%1  %2\n%3").arg(e.number).arg(externalLabel(*e.external), second);
    }
    QString first = QStringLiteral("#%1  %2").arg(e.number).arg(shortModelName(r));
    if (r.model.synthetic)
        first += tr("  (synthetic)");
    QString second = tr("%1 tok · %2").arg(r.metrics.outputTokens).arg(formatRate(r.metrics.outputTps));
    if (r.status != RunStatus::Finished)
        second += QStringLiteral(" · %1").arg(QString::fromLatin1(runStatusName(r.status)));
    if (!e.origin.isEmpty() && e.origin != tr("recorded"))
        second += QStringLiteral(" · %1").arg(e.origin);
    return first + QLatin1Char('\n') + second;
}

QString RunListModel::details(const Entry& e) const
{
    const RunRecord& r = *e.record;
    if (e.external) {
        const ExternalRun& x = *e.external;
        return tr("Run %1: imported %2 result (%3)\nModel: %4\nConfiguration: %5\nDate: %6\n%7 %8\n"
                  "Decode %9, TTFT %10, TPOT %11\nTick it to compare it with other runs in the Comparison tab "
                  "(it has figures, not tokens, so the charts do not draw it).")
            .arg(e.number)
            .arg(QString::fromLatin1(externalToolName(x.tool)), e.origin, QString::fromStdString(x.model),
                 QString::fromStdString(x.configuration), QString::fromStdString(x.date))
            .arg(x.repetitions)
            .arg(x.tool == ExternalTool::LlamaBench ? tr("repetitions") : tr("requests completed"),
                 formatRate(r.metrics.outputTps), formatSeconds(r.metrics.ttftS), formatSeconds(r.metrics.tpotS));
    }
    QString tip = tr("Run %1 (%2)\nStarted %3\nModel: %4%5\nPrompt: %6\nTokens: %7 in, %8 out\n"
                     "TTFT %9, decode %10\nStatus: %11 %12")
                      .arg(e.number)
                      .arg(e.origin, QString::fromStdString(r.startedAt), QString::fromStdString(r.model.name),
                           r.model.synthetic ? tr(" (synthetic weights: timings real, text meaningless)") : QString(),
                           QString::fromStdString(r.settings.prompt).left(120))
                      .arg(r.metrics.inputTokens)
                      .arg(r.metrics.outputTokens)
                      .arg(formatSeconds(r.metrics.ttftS), formatRate(r.metrics.outputTps),
                           QString::fromLatin1(runStatusName(r.status)), QString::fromStdString(r.statusDetail));
    return tip;
}

QVariant RunListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& e = m_entries[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole: return summary(e);
    case Qt::ToolTipRole: return details(e);
    case Qt::CheckStateRole: return e.checked ? Qt::Checked : Qt::Unchecked;
    default: return {};
    }
}

bool RunListModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::CheckStateRole || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    setChecked(index.row(), value.toInt() == Qt::Checked);
    return true;
}

Qt::ItemFlags RunListModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable | Qt::ItemNeverHasChildren;
}

} // namespace vlmscope
