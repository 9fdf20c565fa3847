namespace ChdkPtp.Protocol.Chdk.LiveView
{
    /// <summary>The camera screen's shape (<c>lcd_aspect_ratio</c>, enum lv_aspect_rato). Other values pass through as numbers.</summary>
    public enum LiveViewAspectRatio
    {
        Aspect4x3 = 0,
        Aspect16x9 = 1,
        /// <summary>Sub-protocol 2.2 and later.</summary>
        Aspect3x2 = 2,
    }

    /// <summary>How a frame buffer's bytes encode pixels (<c>fb_type</c>, enum lv_fb_type).</summary>
    public enum LiveFramebufferType
    {
        /// <summary>Pre-Digic 6 live view: 6 bytes per 4 pixels, <c>U Y0 V Y1 Y2 Y3</c>, U and V signed.</summary>
        Yuv8 = 0,
        /// <summary>One byte per pixel, an index into the palette.</summary>
        Pal8 = 1,
        /// <summary>Digic 6/7 live view and overlay: 4 bytes per 2 pixels, <c>U Y0 V Y1</c>, U and V offset by 128.</summary>
        Yuv8B = 2,
        /// <summary>As <see cref="Yuv8B"/> with U and V signed (alternative Digic 6 live view).</summary>
        Yuv8C = 3,
        /// <summary>One byte per pixel, the overlay's opacity (0 transparent, 255 opaque).</summary>
        Opacity8 = 4,
    }

    /// <summary>Pixel layout of a <see cref="LiveImage"/>: rows top-down, no padding.</summary>
    public enum LivePixelFormat
    {
        /// <summary>3 bytes per pixel: R, G, B.</summary>
        Rgb24 = 3,
        /// <summary>4 bytes per pixel: R, G, B, A (straight, not premultiplied).</summary>
        Rgba32 = 4,
    }
}
