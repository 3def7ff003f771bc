#include "app/ci_outputs.h"

#include "core/stats/ci_reports.h"
#include "core/stats/number_format.h"
#include "core/util/atomic_write.h"

#include <QString>
#include <QXmlStreamWriter>

#include <cmath>
#include <ostream>

namespace vlmscope {

namespace {

// One measured figure of a configuration.
struct Figure {
    std::string name;
    std::string unit;
    ConfidenceInterval interval;
    std::size_t samples = 0;
    std::string sampleKind;
    const StabilityStatus* stability = nullptr; // decode TPS and TTFT: the --until-stable rule
};

std::vector<Figure> figuresOf(const ConfigurationStatistics& s)
{
    const StabilityStatus& decode = s.decodeTps();
    const StabilityStatus& ttft = s.ttftMs();
    return {{"decode TPS", "tok/s", decode.interval, decode.used, "iteration", &decode},
            {"TTFT", "ms", ttft.interval, ttft.used, "iteration", &ttft},
            {"token latency", "ms", s.tokenLatencyMs(), 0, "token", nullptr}};
}

std::string intervalText(const ConfidenceInterval& ci)
{
    return ci.defined() ? formatFigure(ci.lower) + " .. " + formatFigure(ci.upper) : std::string("n/a");
}

std::string stabilityText(const Figure& f, const ConfigurationStatistics& s)
{
    if (!f.stability)
        return "";
    const double halfWidth = f.stability->halfWidthPct;
    const std::string width = std::isfinite(halfWidth) ? "±" + formatShort(halfWidth) + "%" : std::string("n/a");
    if (!s.target())
        return width;
    const std::string limit = "±" + formatShort(s.target()->maxHalfWidthPct) + "%";
    return width + (f.stability->converged ? " ✅ within " : " ⚠️ not within ") + limit;
}

std::string figureLine(const Figure& f, const ConfigurationStatistics& s)
{
    if (f.stability)
        return intervalSummary(*f.stability, f.name, f.unit, s.target());
    return f.name + " " + formatFigure(f.interval.estimate) + " " + f.unit + ", 95% CI " + intervalText(f.interval)
        + " (median of the kept runs' inter-token latencies)";
}

std::string cell(const std::string& text)
{
    std::string out;
    for (char ch : text) {
        if (ch == '|')
            out += "\\|";
        else if (ch == '\n' || ch == '\r')
            out += ' ';
        else
            out += ch;
    }
    return out;
}

QString qs(const std::string& text) { return QString::fromStdString(text); }

std::string joined(const std::vector<std::string>& parts)
{
    std::string out;
    for (const std::string& p : parts)
        out += (out.empty() ? "" : ", ") + p;
    return out;
}

} // namespace

std::string measurementJunitXml(const std::vector<MeasuredConfiguration>& measured)
{
    QByteArray bytes;
    QXmlStreamWriter xml(&bytes);
    xml.setAutoFormatting(true);
    xml.setAutoFormattingIndent(2);
    xml.writeStartDocument();
    xml.writeStartElement("testsuites");
    xml.writeAttribute("name", "vlmscope");
    xml.writeAttribute("tests", QString::number(measured.size() * 3));
    xml.writeAttribute("failures", "0");
    xml.writeAttribute("errors", "0");
    xml.writeAttribute("time", "0");
    for (const MeasuredConfiguration& m : measured) {
        const std::vector<Figure> figures = figuresOf(*m.statistics);
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", qs(m.label));
        xml.writeAttribute("tests", QString::number(figures.size()));
        xml.writeAttribute("failures", "0");
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", "0");
        xml.writeAttribute("time", "0");
        for (const Figure& f : figures) {
            xml.writeStartElement("testcase");
            xml.writeAttribute("classname", qs("vlmscope." + m.label));
            xml.writeAttribute("name", qs(f.name));
            xml.writeAttribute("time", "0");
            xml.writeTextElement("system-out", qs(figureLine(f, *m.statistics) + "\nwarm-up: "
                                                  + m.statistics->iterationWarmupReason()));
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }
    xml.writeEndElement();
    xml.writeEndDocument();
    return bytes.toStdString();
}

std::string measurementMarkdown(const std::vector<MeasuredConfiguration>& measured, const std::string& heading)
{
    std::string md = heading + "\n\nMedians with 95% bootstrap confidence intervals over the iterations kept "
                               "(warm-up iterations found by change-point detection are left out).\n\n";
    md += "| Configuration | Metric | Median | 95% CI | Samples | Interval width |\n";
    md += "| --- | --- | ---: | --- | ---: | --- |\n";
    for (const MeasuredConfiguration& m : measured) {
        for (const Figure& f : figuresOf(*m.statistics)) {
            const std::string samples = f.stability ? std::to_string(f.samples) + " iterations" : "all tokens";
            md += "| " + cell(m.label) + " | " + cell(f.name + " (" + f.unit + ")") + " | "
                + formatFigure(f.interval.estimate) + " | " + intervalText(f.interval) + " | " + samples + " | "
                + cell(stabilityText(f, *m.statistics)) + " |\n";
        }
    }
    md += "\n";
    for (const MeasuredConfiguration& m : measured) {
        md += "- " + cell(m.label) + ": " + cell(m.statistics->iterationWarmupReason()) + "; tokens: "
            + cell(m.statistics->tokenWarmup().reason) + "\n";
    }
    return md;
}

std::string gateMarkdown(const BaselineGateOutcome& gate, const std::vector<MeasuredConfiguration>& measured)
{
    std::string md = markdownSummary(gate.gate, "vlmscope regression gate vs " + joined(gate.files));
    std::vector<std::string> unjudged;
    for (std::size_t i = 0; i < gate.gate.verdicts.size(); ++i) {
        const MetricComparison& c = gate.gate.verdicts[i].comparison;
        if (c.spec.gated && !gate.judgeable[i])
            unjudged.push_back(describeComparison(c) + " — " + std::to_string(c.difference.baselineCount) + " / "
                               + std::to_string(c.difference.candidateCount) + " samples");
    }
    if (!unjudged.empty()) {
        md += "\n**Could not reach significance** (too few samples: these comparisons cannot fail the gate):\n\n";
        for (const std::string& line : unjudged)
            md += "- " + cell(line) + "\n";
    }
    for (const std::string& note : gate.notes)
        md += "\nNote: " + cell(note) + "\n";
    return md + "\n" + measurementMarkdown(measured, "### Measurements");
}

void writeCiOutputs(const BatchOptions& o, const std::vector<MeasuredConfiguration>& measured,
                    const BaselineGateOutcome* gate, std::ostream& human)
{
    if (!o.junitFile.empty()) {
        if (gate)
            writeJunitXml(o.junitFile, gate->gate, "vlmscope");
        else
            writeFileAtomically(o.junitFile, measurementJunitXml(measured));
        human << "JUnit: " << o.junitFile << "\n";
    }
    if (!o.summaryMarkdownFile.empty()) {
        const std::string markdown
            = gate ? gateMarkdown(*gate, measured) : measurementMarkdown(measured, "## vlmscope measurements");
        writeFileAtomically(o.summaryMarkdownFile, markdown);
        human << "Summary: " << o.summaryMarkdownFile << "\n";
    }
}

} // namespace vlmscope
