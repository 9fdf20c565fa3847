namespace ChdkPtp.Protocol.Ptp
{
    /// <summary>USB Still-Image-class container types (PROTOCOL.md §1.2).</summary>
    public enum PtpContainerType : ushort
    {
        Undefined = 0,
        Command = 1,
        Data = 2,
        Response = 3,
        Event = 4,
    }

    /// <summary>Standard PTP operation codes used here.</summary>
    public static class PtpOperation
    {
        public const ushort GetDeviceInfo = 0x1001;
        public const ushort OpenSession = 0x1002;
        public const ushort CloseSession = 0x1003;
        public const ushort GetStorageIds = 0x1004;
        public const ushort GetStorageInfo = 0x1005;
        public const ushort GetNumObjects = 0x1006;
        public const ushort GetObjectHandles = 0x1007;
        public const ushort GetObjectInfo = 0x1008;
        public const ushort GetObject = 0x1009;
        public const ushort Chdk = 0x9999;
    }

    /// <summary>PTP response codes (PROTOCOL.md §1.6), plus chdkptp-style local codes 0x02FA-0x02FF.</summary>
    public enum PtpResponseCode : ushort
    {
        Undefined = 0x2000,
        OK = 0x2001,
        GeneralError = 0x2002,
        SessionNotOpen = 0x2003,
        InvalidTransactionId = 0x2004,
        OperationNotSupported = 0x2005,
        ParameterNotSupported = 0x2006,
        IncompleteTransfer = 0x2007,
        InvalidStorageId = 0x2008,
        InvalidObjectHandle = 0x2009,
        DevicePropNotSupported = 0x200A,
        InvalidObjectFormatCode = 0x200B,
        StoreFull = 0x200C,
        ObjectWriteProtected = 0x200D,
        StoreReadOnly = 0x200E,
        AccessDenied = 0x200F,
        NoThumbnailPresent = 0x2010,
        SelfTestFailed = 0x2011,
        PartialDeletion = 0x2012,
        StoreNotAvailable = 0x2013,
        SpecificationByFormatUnsupported = 0x2014,
        NoValidObjectInfo = 0x2015,
        InvalidCodeFormat = 0x2016,
        UnknownVendorCode = 0x2017,
        CaptureAlreadyTerminated = 0x2018,
        DeviceBusy = 0x2019,
        InvalidParentObject = 0x201A,
        InvalidDevicePropFormat = 0x201B,
        InvalidDevicePropValue = 0x201C,
        InvalidParameter = 0x201D,
        SessionAlreadyOpen = 0x201E,
        TransactionCancelled = 0x201F,
        SpecificationOfDestinationUnsupported = 0x2020,
    }
}
