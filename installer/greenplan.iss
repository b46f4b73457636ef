; GreenPlan Windows installer (Inno Setup 6.4 or later; Chinese (Simplified) messages from installer\ChineseSimplified.isl).
;
; Wraps the PyInstaller one-folder bundle dist\GreenPlan\ into GreenPlan-Setup-<version>.exe:
; per-user installation without administrator rights by default (all users on request),
; Start-menu and desktop shortcuts, "Open with GreenPlan" for *.greenplan.toml project files,
; an uninstaller, and the installer's text in Chinese or English (the Windows UI language picks).
;
;   iscc installer\greenplan.iss                       (from the repository root, after the bundle is built)
;   iscc /DBundleDir=D:\b\GreenPlan /DOutputDir=D:\out installer\greenplan.iss
;
; The version is read from the bundle's greenplan.exe (its version resource is written by
; build.spec from greenplan.__version__), so it cannot disagree with the package. A bundle
; without greenplan.exe (the Linux bundle, used as payload by packaging/wine_installer_test.sh)
; needs /DAppVersion=<version> and /DNumericVersion=<a.b.c.d>. /DCompression=<method> overrides
; lzma2/max (e.g. lzma2/fast for a quick trial).
; See installer/README.md for the whole Windows build procedure.

#if Ver < EncodeVer(6, 4, 0)
  #error "Inno Setup 6.4 or later is needed."
#endif

#define AppName "GreenPlan"
#define AppTitle "GreenPlan 绿化规划"
#define GuiExe "greenplan-gui.exe"
#define CliExe "greenplan.exe"
#define ProgId "GreenPlan.Project"

#ifndef BundleDir
  #define BundleDir AddBackslash(SourcePath) + "..\dist\GreenPlan"
#endif
#ifndef OutputDir
  #define OutputDir AddBackslash(SourcePath) + "..\dist"
#endif
#ifndef Compression
  #define Compression "lzma2/max"
#endif
#if FileExists(BundleDir + "\" + CliExe)
  #ifndef AppVersion
    #define AppVersion GetStringFileInfo(BundleDir + "\" + CliExe, "ProductVersion")
  #endif
  #ifndef NumericVersion
    #define NumericVersion GetVersionNumbersString(BundleDir + "\" + CliExe)
  #endif
#else
  #if !FileExists(BundleDir + "\_internal\base_library.zip")
    #error "No bundle at BundleDir: build it first (pyinstaller build.spec --noconfirm)."
  #endif
  #if !Defined(AppVersion) || !Defined(NumericVersion)
    #error "BundleDir has no greenplan.exe to read the version from: pass /DAppVersion=... /DNumericVersion=..."
  #endif
#endif
#if AppVersion == ""
  #error "greenplan.exe has no version resource: build the bundle on Windows with build.spec."
#endif

[Setup]
; AppId identifies the installation for upgrades and the uninstaller: never change it
AppId={{10699965-1651-4CCD-8A0A-07AC8F9F3D8F}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppTitle} {#AppVersion}
AppPublisher=GreenPlan
VersionInfoVersion={#NumericVersion}
VersionInfoProductName={#AppTitle}
VersionInfoDescription={#AppTitle} Setup
; per user by default, no UAC prompt; "all users" can still be chosen in a dialog or with /ALLUSERS
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
; {autopf} is %LOCALAPPDATA%\Programs per user, Program Files for all users (DefaultInstallDir
; below falls back to that path where the user's program files folder is unknown, as under Wine)
DefaultDirName={code:DefaultInstallDir}
DefaultGroupName={#AppTitle}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
ChangesAssociations=yes
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppTitle}
SetupIconFile=..\resources\icons\app.ico
WizardStyle=modern
OutputDir={#OutputDir}
OutputBaseFilename=GreenPlan-Setup-{#AppVersion}
Compression={#Compression}
SolidCompression=yes
; the running application must be closed to replace its files
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=auto
LanguageDetectionMethod=uilanguage

[Languages]
; ChineseSimplified.isl beside this script: GreenPlan's own translation of Default.isl 6.4.1
; (installer/README.md); it works with every compiler from 6.4 on
Name: "zh"; MessagesFile: "ChineseSimplified.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
zh.OpenWithTask=在“打开方式”中加入 GreenPlan，用于项目文件 (*.greenplan.toml)
en.OpenWithTask=Add GreenPlan to "Open with" for project files (*.greenplan.toml)
zh.OpenWithVerb=用 GreenPlan 打开
en.OpenWithVerb=Open with GreenPlan
zh.ProjectFileType=GreenPlan 项目文件
en.ProjectFileType=GreenPlan project file
zh.CliShortcut=GreenPlan 命令行
en.CliShortcut=GreenPlan command line
zh.CliComment=打开命令提示符，可直接运行 greenplan 命令（批处理、计划任务）
en.CliComment=A command prompt where the greenplan command works (batch work, scheduled tasks)
zh.AppComment=绿化与国土空间规划工具
en.AppComment=Greening and land-use planning

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "openwith"; Description: "{cm:OpenWithTask}"

[InstallDelete]
; an upgrade must not mix the old bundle's modules and libraries with the new ones
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppTitle}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{userdocs}"; Comment: "{cm:AppComment}"
Name: "{group}\{cm:CliShortcut}"; Filename: "{cmd}"; Parameters: "/k ""set ""PATH={app};%PATH%"" && greenplan --help"""; WorkingDir: "{userdocs}"; IconFilename: "{app}\{#CliExe}"; Comment: "{cm:CliComment}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppTitle}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{userdocs}"; Comment: "{cm:AppComment}"; Tasks: desktopicon

[Registry]
; Windows keys file types on the last extension only, so "*.greenplan.toml" cannot own an
; association without taking over every .toml file (pyproject.toml, ...). GreenPlan registers
; its ProgID, adds itself to the "Open with" list of .toml files and adds an
; "Open with GreenPlan" verb to their context menu; the user's default .toml program stays.
; HKA is HKCU\Software\Classes per user and HKLM\Software\Classes for all users.
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:ProjectFileType}"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#GuiExe},0"; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#GuiExe}"" ""%1"""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\.toml\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#GuiExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppTitle}"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#GuiExe}\SupportedTypes"; ValueType: string; ValueName: ".toml"; ValueData: ""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\Applications\{#GuiExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#GuiExe}"" ""%1"""; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\SystemFileAssociations\.toml\shell\GreenPlan"; ValueType: string; ValueName: ""; ValueData: "{cm:OpenWithVerb}"; Flags: uninsdeletekey; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\SystemFileAssociations\.toml\shell\GreenPlan"; ValueType: string; ValueName: "Icon"; ValueData: "{app}\{#GuiExe},0"; Tasks: openwith
Root: HKA; Subkey: "Software\Classes\SystemFileAssociations\.toml\shell\GreenPlan\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#GuiExe}"" ""%1"""; Tasks: openwith

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppTitle}}"; WorkingDir: "{userdocs}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; nothing is written into {app} at run time; logs, settings and the font cache live in
; %LOCALAPPDATA%\GreenPlan and stay (they are the user's)
Type: dirifempty; Name: "{app}"

[Code]
// {autopf} per user is FOLDERID_UserProgramFiles (%LOCALAPPDATA%\Programs). Where Windows
// cannot resolve it (Wine; profiles with a broken known-folder entry) Setup would stop with
// "Failed to expand shell folder constant autopf": use the same folder by its documented path.
function DefaultInstallDir(Param: String): String;
begin
  try
    Result := ExpandConstant('{autopf}\{#AppName}');
  except
    Result := ExpandConstant('{localappdata}\Programs\{#AppName}');
  end;
end;
