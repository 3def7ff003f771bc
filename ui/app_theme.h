// Look of the dashboard: the application icon (drawn, so it is sharp at every DPI) and a
// dark or light palette that follows the system unless the user picks one.
#pragma once

#include <QIcon>
#include <QString>

class QApplication;

namespace vlmscope {

enum class ThemeChoice { System, Light, Dark };

QString themeChoiceName(ThemeChoice choice); // "system", "light", "dark"
ThemeChoice parseThemeChoice(const QString& name); // unknown names: System

// Whether the desktop asks for a dark look: the platform palette, GTK_THEME, or GNOME's
// color-scheme setting. VLMSCOPE_THEME=dark|light overrides.
bool systemPrefersDark();

// Applies the Fusion style with a dark or light palette. Call after the QApplication exists;
// the first call remembers the platform palette to return to for a light system.
void applyTheme(ThemeChoice choice);
bool isDarkTheme(); // what applyTheme() chose last

QIcon appIcon();

} // namespace vlmscope
