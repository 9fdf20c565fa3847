using System;
using System.Linq;
using ChdkPtp.Simulator.Imaging;

namespace ChdkPtp.Simulator.Tests.Shooting
{
    public class SceneRendererTests
    {
        [Theory]
        [InlineData(160, 120)]
        [InlineData(360, 240)]
        [InlineData(720, 240)]
        [InlineData(1024, 768)]
        public void TextReadsBack_AtEverySize(int w, int h)
        {
            var info = new SceneInfo { Label = "LV 123", Time = new DateTime(2025, 5, 29, 1, 2, 3, 45), Info = "F3.5" };
            var img = SceneRenderer.Render(w, h, info);
            Assert.Equal("LV 123", ChartReader.ReadLine(img, 0, 6));
            Assert.Equal("2025-05-29 01:02:03.045", ChartReader.ReadLine(img, 1, 23));
            Assert.Equal("F3.5", ChartReader.ReadLine(img, 2, 4));
            var layout = SceneRenderer.Layout(w, h, info);
            Assert.True(layout.BoxX + layout.BoxWidth <= w && layout.BoxY + layout.BoxHeight <= h, "the text box fits");
        }

        [Fact]
        public void EveryFrameDiffers_ByTimeAndLabel()
        {
            var t = new DateTime(2025, 1, 1, 12, 0, 0);
            var a = SceneRenderer.Render(320, 240, new SceneInfo { Label = "IMG_0001", Time = t });
            var b = SceneRenderer.Render(320, 240, new SceneInfo { Label = "IMG_0001", Time = t.AddMilliseconds(500) });
            var c = SceneRenderer.Render(320, 240, new SceneInfo { Label = "IMG_0002", Time = t });
            var a2 = SceneRenderer.Render(320, 240, new SceneInfo { Label = "IMG_0001", Time = t });
            Assert.Equal(a.Pixels, a2.Pixels); // deterministic
            Assert.NotEqual(a.Pixels, b.Pixels);
            Assert.NotEqual(a.Pixels, c.Pixels);
        }

        [Fact]
        public void Gain_BrightensTheChartNotTheText()
        {
            var t = new DateTime(2025, 1, 1, 12, 0, 0);
            var dim = SceneRenderer.Render(320, 240, new SceneInfo { Label = "X", Time = t, Info = "I", Gain = 0.25 });
            var bright = SceneRenderer.Render(320, 240, new SceneInfo { Label = "X", Time = t, Info = "I", Gain = 4 });
            Assert.True(ChartReader.Mean(bright, 0, 80, 160, 10) > ChartReader.Mean(dim, 0, 80, 160, 10) + 50);
            Assert.Equal("X", ChartReader.ReadLine(dim, 0, 1));
            Assert.Equal(SceneRenderer.GainTable(1).ToArray(), Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        }
    }
}
