#!/usr/bin/perl
# Differential harness: run the REAL ldirectord 4.12 read_config() + ld_setup()
# on a config file and print the result as JSON (or ldirectord's own error on
# stderr with its exit code). The subroutines are loaded from /usr/sbin/ldirectord
# without its main code: the text between "# main code" and "# functions" is
# cut out and the rest is evaluated.
#
# usage: perl-read-config.pl CONFIG [CFGNAME]
# env:   LDIRECTORD (default /usr/sbin/ldirectord)
use strict;
use JSON::PP;

my ($config, $cfgname) = @ARGV;
die "usage: $0 CONFIG [CFGNAME]\n" unless defined $config;
($cfgname) = $config =~ m{([^/]+)$} unless defined $cfgname;
@ARGV = ();

my $path = $ENV{LDIRECTORD} || '/usr/sbin/ldirectord';
open(my $fh, '<', $path) or die "cannot read $path: $!\n";
my $src = do { local $/; <$fh> };
close($fh);
$src =~ s/^# main code\n.*?^# functions\n//ms
	or die "cannot find the main code of $path\n";

$^W = 0;
{
	no strict;
	no warnings;
	eval "package main;\n#line 1 \"$path\"\n$src\n1;" or die "eval of $path failed: $@\n";
}
{
	no warnings 'redefine';
	# config_error exits via ld_exit, which would log to the logfile and
	# remove /var/run/ldirectord.CFGNAME.pid: keep only the exit status.
	*main::ld_exit = sub { CORE::exit(defined $_[0] ? $_[0] : 0) };
	*main::ld_rm_file = sub { 0 };
}

no strict 'refs';
${"main::CONFIG"} = $config;
${"main::CFGNAME"} = $cfgname;
${"main::DEBUG"} = 0;
${"main::HOSTNAME"} = defined $ENV{HOSTNAME} ? $ENV{HOSTNAME} : (POSIX::uname())[1];
${"main::DAEMON_STATUS"} = ${"main::DAEMON_STATUS_STARTING"};

main::read_config();
main::ld_setup();

my $G = sub { ${"main::$_[0]"} };
sub fb {
	my ($f) = @_;
	return undef unless defined $f;
	return { server => $f->{server}, port => $f->{port}, forward => $f->{forward} };
}

my @out;
for my $v (@{"main::VIRTUAL"}) {
	my %o = map { $_ => $v->{$_} } grep { exists $v->{$_} && !ref $v->{$_} } qw(
		server port fwm protocol addressfamily scheduler checktype num_connects service
		checkcommand request receive login passwd database secret load checktimeout
		negotiatetimeout checkcount failurecount checkinterval checkport httpmethod
		virtualhost ops persistent schedflags netmask fallbackcommand quiescent emailalert
		emailalertfreq emailalertstatus monitorfile cleanstop smtp servicename comment);
	$o{id} = main::get_virtual_id_str($v);
	$o{virtual} = main::get_virtual($v);
	$o{fallback} = fb($v->{fallback});
	$o{effective_fallback} = $v->{protocol} eq 'fwm' ? undef : fb(main::fallback_find($v));
	$o{real} = [ map { {
		server => $_->{server}, port => $_->{port}, forward => $_->{forward},
		weight => $_->{weight}, request => $_->{request}, receive => $_->{receive},
		url => $_->{url}, lthreshold => $_->{'l-threshold'}, uthreshold => $_->{'u-threshold'},
		checkport => main::ld_checkport($v, $_),
		id => main::get_real_id_str($_, $v),
	} } @{$v->{real}} ];
	push @out, \%o;
}

my %global = (
	checktimeout => $G->('CHECKTIMEOUT'), negotiatetimeout => $G->('NEGOTIATETIMEOUT'),
	checkinterval => $G->('CHECKINTERVAL'), checkcount => $G->('CHECKCOUNT'),
	failurecount => $G->('FAILURECOUNT'), autoreload => $G->('AUTOCHECK'),
	callback => $G->('CALLBACK'), logfile => $G->('LDIRLOG'), fork => $G->('FORKING'),
	supervised => $G->('SUPERVISED'), quiescent => $G->('QUIESCENT'),
	readdquiescent => $G->('READDQUIESCENT'), emailalert => $G->('EMAILALERT'),
	emailalertfreq => $G->('EMAILALERTFREQ'), emailalertstatus => $G->('EMAILALERTSTATUS'),
	emailalertfrom => $G->('EMAILALERTFROM'), cleanstop => $G->('CLEANSTOP'),
	smtp => $G->('SMTP'), maintenancedir => $G->('MAINTDIR'),
	fallbackcommand => $G->('FALLBACKCOMMAND'),
	execute => [ sort keys %{"main::LD_INSTANCE"} ],
);
for my $k (qw(FALLBACK FALLBACK6)) {
	my $f = $G->($k);
	$global{lc $k} = defined $f ? { tcp => fb($f->{tcp}), udp => fb($f->{udp}) } : undef;
}

print JSON::PP->new->canonical->pretty->encode({ global => \%global, virtual => \@out });
exit 0;
