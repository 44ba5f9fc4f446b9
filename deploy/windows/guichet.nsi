; The Windows installer of Guichet SIEC, built by scripts/package-windows with Debian's makensis
; (Tauri's own NSIS bundler downloads a plugin while it bundles, which these machines cannot).
; It installs for the agent alone, without administrator rights, under
; %LOCALAPPDATA%\Programs\Guichet SIEC: the app, its command-line companion, the icon, a
; Start-menu entry and an uninstaller. The window needs the Microsoft Edge WebView2 runtime
; (part of Windows 11 and of an up-to-date Windows 10): without it the installer says so and
; stops, unless the agent chooses to go on.
;
; makensis -DSOURCE=folder -DICON=icon.ico -DVERSION=x.y.z -DOUTFILE=setup.exe guichet.nsi

; A 64-bit installer, as the app is (and as Wine's 64-bit loader runs it in the tests).
Target amd64-unicode
SetCompressor /SOLID lzma

!ifndef SOURCE
  !error "SOURCE must name the folder that holds guichet.exe and guichet-admin.exe"
!endif
!ifndef ICON
  !error "ICON must name the app's .ico file"
!endif
!ifndef VERSION
  !error "VERSION must give the app's version"
!endif
!ifndef OUTFILE
  !define OUTFILE "guichet-siec-${VERSION}-setup.exe"
!endif

!define APP "Guichet SIEC"
!define PUBLISHER "SIEC – Maison des examens"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\GuichetSIEC"
; The WebView2 runtime's client id, under which Edge's updater records the installed version.
!define WEBVIEW2_CLIENT "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

!include "MUI2.nsh"
!include "LogicLib.nsh"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
RequestExecutionLevel user
ShowInstDetails show
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1036 "ProductName" "${APP}"
VIAddVersionKey /LANG=1036 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1036 "FileDescription" "Installation de ${APP}"
VIAddVersionKey /LANG=1036 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\guichet.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "French"

; The runtime's version as Edge's updater records it, for the machine (64- and 32-bit views) or
; for the agent alone; empty or 0.0.0.0 when it is not installed.
Function WebView2Version
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKLM "SOFTWARE\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
FunctionEnd

Function .onInit
  Call WebView2Version
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ; A silent install (/S) stops here: exit code 2, nothing installed.
    MessageBox MB_YESNO|MB_ICONEXCLAMATION "Le runtime Microsoft Edge WebView2, dont la fenêtre du Guichet a besoin, n’est pas installé sur ce PC.$\r$\n$\r$\nDemandez-le à votre service informatique (il fait partie de Windows 11 et des Windows 10 à jour), puis relancez cette installation.$\r$\n$\r$\nInstaller quand même ?" /SD IDNO IDYES done
    SetErrorLevel 2
    Quit
  done:
  ${EndIf}
FunctionEnd

Section "Guichet SIEC"
  SetOutPath "$INSTDIR"
  File "${SOURCE}\guichet.exe"
  File "${SOURCE}\guichet-admin.exe"
  File "/oname=guichet.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\Desinstaller.exe"
  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\guichet.exe" "" "$INSTDIR\guichet.ico" 0 SW_SHOWNORMAL "" "Console d’assistance du SIEC"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\guichet.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Desinstaller.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Desinstaller.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; The agent's data (%APPDATA%\SIEC\guichet-siec) and secrets (Credential Manager) stay.
Section "Uninstall"
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$INSTDIR\guichet.exe"
  Delete "$INSTDIR\guichet-admin.exe"
  Delete "$INSTDIR\guichet.ico"
  Delete "$INSTDIR\Desinstaller.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
