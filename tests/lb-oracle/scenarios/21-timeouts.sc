# --set tcp tcpfin udp: the listing and the connections' timers
adm -C
adm --set 600 60 200
adm -A -t $VIP:$PORT -s rr
adm -a -t $VIP:$PORT -r $BE1:80 -m
get 2
check Ln stats Lnc S timeout
adm --set 900 120 300
