namespace ChdkPtp.Protocol.Diagnostics
{
    /// <summary>How a check came out.</summary>
    public enum EnvironmentCheckStatus
    {
        /// <summary>Fine.</summary>
        Pass,
        /// <summary>For information only (nothing to fix).</summary>
        Info,
        /// <summary>May get in the way; see Fix.</summary>
        Warning,
        /// <summary>Keeps cameras from working; see Fix.</summary>
        Fail,
    }

    /// <summary>One check of the machine's readiness for USB cameras: what was checked, how it came out, what to do.</summary>
    public sealed class EnvironmentCheck
    {
        public EnvironmentCheck(string check, EnvironmentCheckStatus status, string target, string detail, string fix = null)
        {
            Check = check;
            Status = status;
            Target = target;
            Detail = detail;
            Fix = fix;
        }

        /// <summary>What was checked: LibUsb, Cameras, Permissions, DeviceHolder, DesktopService, Chdk, UdevRules, Driver.</summary>
        public string Check { get; }

        public EnvironmentCheckStatus Status { get; }

        /// <summary>What the check is about: a camera ("usb:001/005"), a device node, a process; null for the machine.</summary>
        public string Target { get; }

        /// <summary>What was found.</summary>
        public string Detail { get; }

        /// <summary>What to do; null when nothing needs doing.</summary>
        public string Fix { get; }

        public override string ToString() => $"{Status} {Check}{(Target != null ? " " + Target : string.Empty)}: {Detail}";
    }
}
