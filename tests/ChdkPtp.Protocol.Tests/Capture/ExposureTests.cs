using System;
using System.Collections.Generic;
using ChdkPtp.Protocol.Chdk.Capture;

namespace ChdkPtp.Protocol.Tests.Capture
{
    public sealed class ExposureTests
    {
        // Expected APEX96 values worked out by hand from CHDK's formulas:
        // tv96 = round(-96 log2 t), av96 = round(192 log2 N), sv96 = (int)(96 log2(iso/3.125) + 0.5).
        [Theory]
        [InlineData("1/250", 765)]      // 96·log2(250) = 764.72
        [InlineData("0.004", 765)]
        [InlineData("1/1000", 957)]     // 956.72
        [InlineData("1", 0)]
        [InlineData("1s", 0)]
        [InlineData("2.5", -127)]       // -96·1.3219 = -126.9
        [InlineData("2.5 s", -127)]
        [InlineData("30", -471)]        // -96·4.9069 = -471.06
        [InlineData(" 1 / 60 ", 567)]   // 567.05
        [InlineData("tv96=576", 576)]
        [InlineData("TV96: -96", -96)]
        public void Shutter_text_gives_chdks_tv96(string text, int tv96)
        {
            Assert.Equal(tv96, ShutterSpeed.Parse(text).Tv96);
            Assert.True(ShutterSpeed.TryParse(text, out var s));
            Assert.Equal(tv96, s.Tv96);
        }

        [Theory]
        [InlineData("f/2.8", 285)]      // 192·log2 2.8 = 285.2
        [InlineData("F8", 576)]
        [InlineData("f5.6", 477)]       // 477.2
        [InlineData("4", 384)]
        [InlineData("av96=300", 300)]
        public void Aperture_text_gives_chdks_av96(string text, int av96) => Assert.Equal(av96, Aperture.Parse(text).Av96);

        [Theory]
        [InlineData("100", 480)]        // 96·log2 32 = 480
        [InlineData("ISO200", 576)]
        [InlineData("iso 400", 672)]
        [InlineData("80", 449)]         // 96·log2 25.6 = 449.1
        [InlineData("sv96=700", 700)]
        public void Iso_text_gives_chdks_market_sv96(string text, int sv96) => Assert.Equal(sv96, IsoSpeed.Parse(text).MarketSv96);

        [Fact]
        public void Apex_conversions_match_chdk_including_rounding()
        {
            Assert.Equal(765, Apex96.Tv96FromSeconds(1.0 / 250));
            Assert.Equal(-96, Apex96.Tv96FromSeconds(2));
            Assert.Equal(0, Apex96.Sv96FromIso(0));
            Assert.Equal(100, Apex96.IsoFromSv96(480));
            Assert.Equal(285, Apex96.Av96FromFNumber(2.8));
            Assert.Equal(2.0, Apex96.FNumberFromAv96(192), 9);
            Assert.Equal(0.5, Apex96.SecondsFromTv96(96), 9);
            // half away from zero, as CHDK's (short)(t ± 0.5)
            Assert.Equal(48, Apex96.Tv96FromSeconds(Math.Pow(2, -47.5 / 96)));
            Assert.Equal(-48, Apex96.Tv96FromSeconds(Math.Pow(2, 47.5 / 96)));
        }

        [Theory]
        [InlineData(765, "1/250")]
        [InlineData(957, "1/1000")]
        [InlineData(0, "1")]
        [InlineData(-127, "2.5")]
        [InlineData(-96, "2")]
        [InlineData(96, "0.5")]
        [InlineData(152, "1/3")]        // 0.3337 s: two decimals are not exact enough, the fraction is
        [InlineData(167, "0.3")]
        public void Shutter_formats_as_people_write_it(int tv96, string text) => Assert.Equal(text, ShutterSpeed.FromTv96(tv96).ToString());

        [Fact]
        public void Every_tv96_av96_and_sv96_round_trips_through_its_text()
        {
            for (int tv = ShutterSpeed.MinTv96; tv <= ShutterSpeed.MaxTv96; tv++)
            {
                var s = ShutterSpeed.FromTv96(tv);
                Assert.Equal(tv, ShutterSpeed.Parse(s.ToString()).Tv96);
            }
            for (int av = Aperture.MinAv96; av <= Aperture.MaxAv96; av++)
            {
                var a = Aperture.FromAv96(av);
                Assert.Equal(av, Aperture.Parse(a.ToString()).Av96);
                Assert.StartsWith("f/", a.ToString());
            }
            for (int sv = IsoSpeed.MinSv96; sv <= IsoSpeed.MaxSv96; sv++)
            {
                var i = IsoSpeed.FromMarketSv96(sv);
                Assert.Equal(sv, IsoSpeed.Parse(i.ToString()).MarketSv96);
            }
        }

        [Fact]
        public void Iso_numbers_round_trip_and_read_as_iso()
        {
            foreach (int iso in new[] { 50, 80, 100, 125, 160, 200, 400, 800, 1600, 3200, 6400, 12800 })
            {
                var i = IsoSpeed.FromIso(iso);
                Assert.Equal("ISO " + iso, i.ToString());
                Assert.Equal(iso, i.Iso);
            }
            // low ISOs are coarser than 1/96 stop: an sv96 without its own ISO number keeps the APEX form
            Assert.Equal("sv96=10", IsoSpeed.FromMarketSv96(10).ToString());
        }

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("fast")]
        [InlineData("1/")]
        [InlineData("/250")]
        [InlineData("1/250/2")]
        [InlineData("1e-3")]
        [InlineData("2,5")]
        [InlineData("tv96=")]
        [InlineData("tv96=abc")]
        [InlineData("1/0")]
        public void Nonsense_shutter_text_is_a_format_error_that_says_how(string text)
        {
            var ex = Assert.Throws<FormatException>(() => ShutterSpeed.Parse(text));
            Assert.False(ShutterSpeed.TryParse(text, out _));
            Assert.Contains("shutter", ex.Message);
        }

        [Theory]
        [InlineData("0")]
        [InlineData("-1")]
        [InlineData("0/5")]
        [InlineData("7200")]
        [InlineData("1/10000000")]
        [InlineData("tv96=5000")]
        public void Out_of_range_shutter_is_an_out_of_range_error(string text)
        {
            Assert.ThrowsAny<ArgumentOutOfRangeException>(() => ShutterSpeed.Parse(text));
            Assert.False(ShutterSpeed.TryParse(text, out _));
        }

        [Theory]
        [InlineData("f/")]
        [InlineData("f/two")]
        [InlineData("ff2")]
        [InlineData("")]
        public void Nonsense_aperture_is_a_format_error(string text) => Assert.Throws<FormatException>(() => Aperture.Parse(text));

        [Theory]
        [InlineData("f/0.1")]
        [InlineData("1000")]
        [InlineData("av96=99999")]
        public void Out_of_range_aperture_is_refused(string text) => Assert.ThrowsAny<ArgumentOutOfRangeException>(() => Aperture.Parse(text));

        [Theory]
        [InlineData("ISO")]
        [InlineData("fast film")]
        [InlineData("100.5")]
        [InlineData("")]
        public void Nonsense_iso_is_a_format_error(string text) => Assert.Throws<FormatException>(() => IsoSpeed.Parse(text));

        [Theory]
        [InlineData("0")]
        [InlineData("-100")]
        [InlineData("5000000")]
        public void Out_of_range_iso_is_refused(string text) => Assert.ThrowsAny<ArgumentOutOfRangeException>(() => IsoSpeed.Parse(text));

        [Fact]
        public void Numbers_convert_like_their_text()
        {
            Assert.Equal(ShutterSpeed.Parse("1/250"), (ShutterSpeed)0.004);
            Assert.Equal(Aperture.Parse("f/8"), (Aperture)8.0);
            Assert.Equal(IsoSpeed.Parse("400"), (IsoSpeed)400);
            Assert.Throws<ArgumentOutOfRangeException>(() => (ShutterSpeed)(-1.0));
            Assert.Throws<ArgumentOutOfRangeException>(() => ShutterSpeed.FromSeconds(double.NaN));
        }

        [Fact]
        public void Settings_become_the_lua_table_the_camera_script_reads()
        {
            var s = new ShotSettings
            {
                Shutter = ShutterSpeed.Parse("1/250"),
                Aperture = Aperture.Parse("f/4"),
                Iso = IsoSpeed.Parse("200"),
                NdFilter = NdFilterState.Out,
                FocusDistance = 1500,
                FocusMode = FocusOverrideMode.ManualFocus,
            };
            var t = s.ToLuaTable();
            Assert.Equal(new Dictionary<string, object> { ["tv"] = 765, ["av"] = 384, ["svm"] = 576, ["nd"] = 2, ["sd"] = 1500, ["sdmode"] = 4 }, t);
            Assert.Equal("1/250 f/4 ISO 200 ND out focus 1500 mm (ManualFocus)", s.ToString());
            Assert.True(new ShotSettings().IsEmpty);
            Assert.Empty(new ShotSettings().ToLuaTable());
        }

        [Fact]
        public void Contradicting_settings_are_refused()
        {
            Assert.Throws<ArgumentException>(() => new ShotSettings { Iso = IsoSpeed.FromIso(100), RealSv96 = 400 }.Validate());
            Assert.Throws<ArgumentOutOfRangeException>(() => new ShotSettings { FocusDistance = 0 }.Validate());
            Assert.Throws<ArgumentException>(() => new ShotSettings { FocusMode = FocusOverrideMode.AutoFocusLock }.Validate());
            Assert.Throws<ArgumentOutOfRangeException>(() => new ShotSettings { NdFilter = (NdFilterState)7 }.Validate());
        }

        [Fact]
        public void Shot_timeout_is_10_s_plus_twice_the_exposure_or_20_s_and_at_least_interval_plus_10_s()
        {
            Assert.Equal(TimeSpan.FromSeconds(20), ShotTimeout.For(null));
            Assert.Equal(TimeSpan.FromSeconds(10) + TimeSpan.FromTicks(2 * ShutterSpeed.Parse("1/250").Duration.Ticks), ShotTimeout.For(ShutterSpeed.Parse("1/250")));
            Assert.Equal(70.0, ShotTimeout.For(ShutterSpeed.Parse("30")).TotalSeconds, 0.3);
            Assert.Equal(TimeSpan.FromSeconds(25), ShotTimeout.For(ShutterSpeed.Parse("1/250"), TimeSpan.FromSeconds(15)));
            Assert.Equal(TimeSpan.FromSeconds(70), ShotTimeout.For(null, TimeSpan.FromMinutes(1)));
            Assert.Equal(TimeSpan.FromSeconds(3), ShotTimeout.For(ShutterSpeed.Parse("30"), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(3)));
            Assert.Throws<ArgumentOutOfRangeException>(() => ShotTimeout.For(null, TimeSpan.Zero, TimeSpan.Zero));
            Assert.Throws<ArgumentOutOfRangeException>(() => ShotTimeout.For(null, TimeSpan.FromSeconds(-1)));
        }
    }
}
