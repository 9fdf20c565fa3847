using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using ChdkPtp.Protocol.Chdk.Files;

namespace ChdkPtp.Internal
{
    /// <summary>
    /// Keeps a piped ChdkSession from also binding, as its text, to a string parameter that takes
    /// pipeline input (a path, Lua code, a message): the session binds -Session, and here it either
    /// stands for <see cref="SessionMeans"/> or is refused. On camera-path parameters
    /// (<see cref="CameraPaths"/>) a ChdkItem becomes its FullName with wildcard characters escaped,
    /// so a piped item always means exactly that item, never a pattern.
    /// </summary>
    public sealed class NotASessionAttribute : ArgumentTransformationAttribute
    {
        /// <summary>The value a piped session stands for here (Get-ChdkItem: the card's root); null makes it an error.</summary>
        public string SessionMeans { get; set; }

        /// <summary>The parameter takes camera paths with wildcards: ChdkItems become escaped literal paths.</summary>
        public bool CameraPaths { get; set; }

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var raw = inputData is PSObject p ? p.BaseObject : inputData;
            if (raw is IList list && !(raw is string))
            {
                var mapped = new List<object>(list.Count);
                foreach (var item in list) mapped.Add(One(item));
                return mapped.ToArray();
            }
            return One(inputData);
        }

        private object One(object value)
        {
            var raw = value is PSObject p ? p.BaseObject : value;
            if (raw is ChdkSession)
            {
                if (SessionMeans != null) return SessionMeans;
                throw new ArgumentTransformationMetadataException("A session is not a value for this parameter; it binds to -Session.");
            }
            if (CameraPaths && raw is ChdkItem item) return CameraPath.Escape(item.FullName);
            return value;
        }
    }
}
