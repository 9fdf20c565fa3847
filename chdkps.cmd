@echo off
rem chdkps: the ChdkPtp PowerShell host, run from this repository.
rem
rem Runs src\ChdkPtp.Shell\bin\<configuration>\net10.0\chdkps.dll with dotnet, passing every
rem argument through. The configuration is %CHDKPS_CONFIGURATION% if set, else Debug if built,
rem else Release if built. If the chosen build is missing it is built first (build output goes
rem to stderr so that stdout carries only what chdkps prints).
setlocal
set "CHDKPS_BIN=%~dp0src\ChdkPtp.Shell\bin"
set "CHDKPS_CONFIG=%CHDKPS_CONFIGURATION%"
if not defined CHDKPS_CONFIG if exist "%CHDKPS_BIN%\Debug\net10.0\chdkps.dll" set "CHDKPS_CONFIG=Debug"
if not defined CHDKPS_CONFIG if exist "%CHDKPS_BIN%\Release\net10.0\chdkps.dll" set "CHDKPS_CONFIG=Release"
if not defined CHDKPS_CONFIG set "CHDKPS_CONFIG=Debug"
set "CHDKPS_DLL=%CHDKPS_BIN%\%CHDKPS_CONFIG%\net10.0\chdkps.dll"
if not exist "%CHDKPS_DLL%" (
    echo chdkps: building %CHDKPS_CONFIG% ^(first run^) ... 1>&2
    dotnet build "%~dp0src\ChdkPtp.Shell\ChdkPtp.Shell.csproj" -c "%CHDKPS_CONFIG%" -nologo -v quiet -clp:NoSummary 1>&2
    if errorlevel 1 exit /b 1
)
dotnet "%CHDKPS_DLL%" %*
exit /b %ERRORLEVEL%
