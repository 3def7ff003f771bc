// Every run of the session, recorded here or opened from a file. Rows are checkable: the
// checked runs are overlaid on the charts and compared in the comparison table.
#pragma once

#include "core/engine/run_record.h"
#include "core/stats/external_results.h"

#include <QAbstractListModel>
#include <QString>

#include <memory>
#include <vector>

namespace vlmscope {

class RunListModel : public QAbstractListModel {
    Q_OBJECT
public:
    explicit RunListModel(QObject* parent = nullptr);

    // `origin` says where the run came from: "recorded" or a file name.
    int addRun(const RunRecord& record, const QString& origin, bool checked = false);
    int addRun(std::shared_ptr<const RunRecord> record, const QString& origin, bool checked = false);
    // Another tool's result (llama-bench, vLLM): listed with its tool and configuration, its
    // figures in run(row).metrics, its samples in external(row).
    int addExternalRun(const ExternalRun& external, const QString& origin, bool checked = false);
    void removeRun(int row);
    void clear();

    const RunRecord& run(int row) const { return *m_entries[static_cast<std::size_t>(row)].record; }
    std::shared_ptr<const RunRecord> sharedRun(int row) const { return m_entries[static_cast<std::size_t>(row)].record; }
    // Short unique name for legends and column headers: "#3 tiny".
    QString label(int row) const;
    QString origin(int row) const { return m_entries[static_cast<std::size_t>(row)].origin; }
    // Null for vlmscope's own runs.
    std::shared_ptr<const ExternalRun> external(int row) const { return m_entries[static_cast<std::size_t>(row)].external; }
    bool isExternal(int row) const { return external(row) != nullptr; }
    bool isChecked(int row) const { return m_entries[static_cast<std::size_t>(row)].checked; }
    void setChecked(int row, bool checked);
    std::vector<int> checkedRows() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

Q_SIGNALS:
    void checkedRunsChanged();

private:
    struct Entry {
        std::shared_ptr<const RunRecord> record;
        std::shared_ptr<const ExternalRun> external;
        QString origin;
        bool checked = false;
        int number = 0;
    };
    QString summary(const Entry& entry) const;
    QString details(const Entry& entry) const;

    std::vector<Entry> m_entries;
    int m_nextNumber = 1;
};

} // namespace vlmscope
