#include "core/stats/ci_reports.h"

#include "core/stats/number_format.h"
#include "core/util/atomic_write.h"

#include <QString>
#include <QXmlStreamWriter>

#include <algorithm>
#include <cmath>
#include <map>

namespace vlmscope {

namespace {

// XML 1.0 allows tab, LF, CR and everything from U+0020 except U+FFFE/U+FFFF; QString::
// fromUtf8 has already turned invalid UTF-8 into U+FFFD.
QString xmlText(const std::string& text)
{
    QString s = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
    for (QChar& c : s) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != '\t' && u != '\n' && u != '\r') || u == 0xFFFE || u == 0xFFFF)
            c = QChar(0xFFFD);
    }
    return s;
}

std::string caseName(const MetricComparison& c)
{
    return c.spec.scope == ComparisonScope::Layer ? "layer " + c.spec.name : c.spec.name;
}

std::string suiteOf(const MetricComparison& c)
{
    return c.spec.configuration.empty() ? "all" : c.spec.configuration;
}

// "p = 0.012", or "p < 0.001" where formatPValue gives "< 0.001".
std::string pEquals(double p)
{
    const std::string text = formatPValue(p);
    return text.front() == '<' ? "p " + text : "p = " + text;
}

std::string details(const GateVerdict& v)
{
    const MetricComparison& c = v.comparison;
    return "baseline " + std::to_string(c.difference.baselineCount) + " and candidate "
        + std::to_string(c.difference.candidateCount) + " samples (one per " + c.spec.sampleKind + "); Mann-Whitney "
        + (c.exactTest ? "exact" : "normal approximation") + " " + pEquals(c.pValue)
        + ", Holm-adjusted over the gated comparisons " + pEquals(v.adjustedP);
}

// Markdown table cells: no row breaks, no column breaks, no HTML.
std::string cell(const std::string& text)
{
    std::string out;
    for (char ch : text) {
        switch (ch) {
        case '|': out += "\\|"; break;
        case '\n':
        case '\r': out += ' '; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        default: out += ch;
        }
    }
    return out;
}

std::string resultText(const GateVerdict& v, double alpha)
{
    const MetricComparison& c = v.comparison;
    if (v.regressed)
        return "❌ regression";
    const bool improved = !c.worse && c.difference.delta.estimate != 0;
    if (!c.spec.gated) {
        if (c.significant)
            return c.worse ? "worse (not gated)" : (improved ? "improved (not gated)" : "not gated");
        return "not gated";
    }
    if (v.adjustedP < alpha && c.worse)
        return "⚠️ worse, within limit";
    if (v.adjustedP < alpha && improved)
        return "✅ improved";
    return "✅ ok";
}

std::string intervalText(const MetricComparison& c)
{
    const MedianDifference& d = c.difference;
    if (d.changePct.defined())
        return formatPercent(d.changePct.lower) + " .. " + formatPercent(d.changePct.upper);
    if (d.delta.defined())
        return formatFigure(d.delta.lower) + " .. " + formatFigure(d.delta.upper) + " " + c.spec.unit;
    return "n/a";
}

std::string changeText(const MetricComparison& c)
{
    const MedianDifference& d = c.difference;
    if (std::isfinite(d.changePct.estimate))
        return formatPercent(d.changePct.estimate);
    if (std::isfinite(d.delta.estimate))
        return (d.delta.estimate >= 0 ? "+" : "") + formatFigure(d.delta.estimate) + " " + c.spec.unit;
    return "n/a";
}

} // namespace

std::string junitXml(const SignificantGateResult& gate, const std::string& suiteName)
{
    // Suites in first-seen order of their configuration.
    std::vector<std::string> order;
    std::map<std::string, std::vector<const GateVerdict*>> suites;
    for (const GateVerdict& v : gate.verdicts) {
        if (!v.comparison.spec.gated)
            continue;
        const std::string suite = suiteOf(v.comparison);
        if (!suites.count(suite))
            order.push_back(suite);
        suites[suite].push_back(&v);
    }
    QByteArray bytes;
    QXmlStreamWriter xml(&bytes);
    xml.setAutoFormatting(true);
    xml.setAutoFormattingIndent(2);
    xml.writeStartDocument();
    xml.writeStartElement("testsuites");
    xml.writeAttribute("name", xmlText(suiteName));
    xml.writeAttribute("tests", QString::number(gate.gatedCount()));
    xml.writeAttribute("failures", QString::number(gate.regressionCount()));
    xml.writeAttribute("errors", "0");
    xml.writeAttribute("time", "0");
    for (const std::string& suite : order) {
        const std::vector<const GateVerdict*>& cases = suites[suite];
        const auto failures = std::count_if(cases.begin(), cases.end(), [](const GateVerdict* v) { return v->regressed; });
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", xmlText(suite));
        xml.writeAttribute("tests", QString::number(cases.size()));
        xml.writeAttribute("failures", QString::number(failures));
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", "0");
        xml.writeAttribute("time", "0");
        for (const GateVerdict* v : cases) {
            const std::string line = describeComparison(v->comparison);
            xml.writeStartElement("testcase");
            xml.writeAttribute("classname", xmlText(suiteName + "." + suite));
            xml.writeAttribute("name", xmlText(caseName(v->comparison)));
            xml.writeAttribute("time", "0");
            if (v->regressed) {
                const std::string message = line + ", limit " + formatShort(gate.maxRegressionPct) + "%";
                xml.writeStartElement("failure");
                xml.writeAttribute("message", xmlText(message));
                xml.writeAttribute("type", "regression");
                xml.writeCharacters(xmlText(message + "\n" + details(*v)));
                xml.writeEndElement();
            } else {
                xml.writeTextElement("system-out", xmlText(line + "\n" + details(*v)));
            }
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }
    xml.writeEndElement();
    xml.writeEndDocument();
    return bytes.toStdString();
}

std::string markdownSummary(const SignificantGateResult& gate, const std::string& title)
{
    std::vector<const GateVerdict*> rows;
    for (const GateVerdict& v : gate.verdicts)
        rows.push_back(&v);
    std::stable_partition(rows.begin(), rows.end(), [](const GateVerdict* v) { return v->comparison.spec.gated; });

    const std::string limit = formatShort(gate.maxRegressionPct) + "%";
    std::string md = "## " + cell(title) + ": " + (gate.failed() ? "FAILED" : "passed") + "\n\n";
    md += std::to_string(gate.regressionCount()) + " of " + std::to_string(gate.gatedCount())
        + " gated comparisons regressed. A regression is worse by more than " + limit
        + " (change of the median) and significant (Mann-Whitney U, Holm-adjusted over the gated comparisons, "
          "alpha "
        + formatShort(gate.alpha) + ").\n\n";
    if (rows.empty())
        return md + "No comparisons: nothing in the baseline matched.\n";
    const double level = rows.front()->comparison.difference.delta.level;
    const std::string ci = std::to_string(static_cast<int>(std::lround(level * 100))) + "% CI";
    md += "| Configuration | Metric | Baseline | Candidate | Change | " + ci + " | p | p (Holm) | Samples | Result |\n";
    md += "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |\n";
    for (const GateVerdict* v : rows) {
        const MetricComparison& c = v->comparison;
        const std::string unit = c.spec.unit.empty() ? "" : " (" + c.spec.unit + ")";
        md += "| " + cell(c.spec.configuration) + " | " + cell(caseName(c) + unit) + " | "
            + formatFigure(c.difference.baselineMedian) + " | " + formatFigure(c.difference.candidateMedian) + " | "
            + cell(changeText(c)) + " | " + cell(intervalText(c)) + " | " + cell(formatPValue(c.pValue)) + " | "
            + cell(c.spec.gated ? formatPValue(v->adjustedP) : "") + " | " + std::to_string(c.difference.baselineCount) + " / " + std::to_string(c.difference.candidateCount)
            + " | " + resultText(*v, gate.alpha) + " |\n";
    }
    return md;
}

void writeJunitXml(const std::string& path, const SignificantGateResult& gate, const std::string& suiteName)
{
    writeFileAtomically(path, junitXml(gate, suiteName));
}

void writeMarkdownSummary(const std::string& path, const SignificantGateResult& gate, const std::string& title)
{
    writeFileAtomically(path, markdownSummary(gate, title));
}

} // namespace vlmscope
